package io.nowcast.ingest;

import io.nowcast.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./nowcast tail}: shows records arriving on a topic, one per line, or a per-second summary. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Shows records arriving on a topic: each record, or with --stats a line per second counting them by event type.")
public final class TailCommand implements Callable<Integer> {
    private static final Pattern TYPE = Pattern.compile("\"event_type\"\\s*:\\s*\"([^\"]*)\"");

    @Option(names = "--topic", defaultValue = Topics.USER_ACTIVITY, description = "Topic to read (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
    boolean fromBeginning;

    @Option(names = "--count", description = "Stop after this many records.")
    Long count;

    @Option(names = "--timeout", defaultValue = "0", description = "Stop after this many seconds (0: run until Ctrl-C).")
    int timeoutSeconds;

    @Option(names = "--stats", description = "Print a line per second with counts by event type instead of the records.")
    boolean stats;

    @Mixin
    KafkaOptions kafka;



    @Override
    public Integer call() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        long deadline = timeoutSeconds > 0 ? System.currentTimeMillis() + timeoutSeconds * 1000L : Long.MAX_VALUE;
        long seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            if (parts.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            consumer.assign(parts);
            if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            Map<String, Long> window = new TreeMap<>();
            long windowStart = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline && (count == null || seen < count)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (count != null && seen >= count) {
                        break;
                    }
                    seen++;
                    if (stats) {
                        window.merge(typeOf(r.value()), 1L, Long::sum);
                    } else {
                        System.out.println(r.key() + "\t" + r.value());
                    }
                }
                long now = System.currentTimeMillis();
                if (stats && now - windowStart >= 1000) {
                    long total = window.values().stream().mapToLong(Long::longValue).sum();
                    System.out.println("tail: " + Math.round(total * 1000.0 / (now - windowStart)) + " records/s " + window);
                    window.clear();
                    windowStart = now;
                }
            }
        }
        System.err.println("tail: " + seen + " records");
        return 0;
    }

    private static String typeOf(String value) {
        if (value == null) {
            return "tombstone";
        }
        Matcher m = TYPE.matcher(value);
        return m.find() ? m.group(1) : "other";
    }
}
