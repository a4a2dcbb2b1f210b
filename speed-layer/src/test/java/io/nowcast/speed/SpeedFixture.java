package io.nowcast.speed;

import io.nowcast.config.Env;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A speed-layer test's own corner of the shared servers: a Redis prefix, a data folder, and the
 * user_activity offsets where its events begin (other tests write to the same topics).
 */
final class SpeedFixture implements AutoCloseable {
    final String bootstrap = TestServers.kafka();
    final String prefix;
    final Path data;
    final String startingOffsets;
    private final KafkaProducer<String, String> producer;

    SpeedFixture(String name, Path data) {
        TestServers.redis();
        this.prefix = TestServers.uniquePrefix(name);
        this.data = data;
        this.startingOffsets = endOffsets(bootstrap);
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer());
    }

    /** {"user_activity":{"0":n0,"1":n1}}: where this test's events start. */
    static String endOffsets(String bootstrap) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.USER_ACTIVITY, Duration.ofSeconds(15)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(15));
            return "{\"" + Topics.USER_ACTIVITY + "\":{" + end.entrySet().stream()
                    .map(e -> "\"" + e.getKey().partition() + "\":" + e.getValue()).collect(Collectors.joining(",")) + "}}";
        }
    }

    void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("producing to " + topic, e);
        }
    }

    Map<String, String> env(String trigger) {
        Map<String, String> env = new HashMap<>();
        env.put("NOWCAST_KAFKA_BOOTSTRAP", bootstrap);
        env.put("NOWCAST_REDIS_HOST", TestServers.endpoints().redisHost());
        env.put("NOWCAST_REDIS_PORT", String.valueOf(TestServers.endpoints().redisPort()));
        env.put("NOWCAST_REDIS_PREFIX", prefix);
        env.put("NOWCAST_DATA_DIR", data.toString());
        env.put("NOWCAST_SPEED_TRIGGER", trigger);
        env.put("NOWCAST_SPEED_STARTING_OFFSETS", startingOffsets);
        env.put("NOWCAST_SPARK_MASTER", "local[2]");
        return env;
    }

    SpeedConfig config(String trigger) {
        return SpeedConfig.from(new Env(env(trigger)));
    }

    /** The configuration of one half of the job: {@link SpeedConfig#FRESH} or {@link SpeedConfig#ARCHIVE}. */
    SpeedConfig config(String trigger, String queries) {
        Map<String, String> env = env(trigger);
        env.put("NOWCAST_SPEED_QUERIES", queries);
        return SpeedConfig.from(new Env(env));
    }

    @Override
    public void close() {
        producer.close();
    }
}
