package io.nowcast.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Test helper: notes a topic's end offsets, then reads back what arrived after them that the test
 * itself wrote (the filter), since other producers may share the topic.
 */
final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> start;
    private final Predicate<ConsumerRecord<String, String>> mine;

    TopicReader(String bootstrap, String topic, Predicate<ConsumerRecord<String, String>> mine) {
        this.mine = mine;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        start = consumer.endOffsets(partitions, Duration.ofSeconds(15));
        consumer.assign(partitions);
        start.forEach(consumer::seek);
    }

    int partitionCount() {
        return partitions.size();
    }

    /** Everything of the test's that arrived since construction, up to the topic's current end. */
    List<ConsumerRecord<String, String>> readAll() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(15));
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!reached(end) && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition())) && mine.test(r)) {
                    out.add(r);
                }
            }
        }
        if (!reached(end)) {
            throw new AssertionError("could not read up to the end offsets " + end + " within 30 s");
        }
        return out;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
