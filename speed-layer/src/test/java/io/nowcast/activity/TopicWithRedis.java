package io.nowcast.activity;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import redis.clients.jedis.RedisClient;

/**
 * A test's own Kafka topic of two partitions and Redis key prefix, on the real servers, both named after
 * {@code name}; closing deletes the keys and the topic.
 */
final class TopicWithRedis implements AutoCloseable {
    final RedisClient redis;
    final RedisKeys keys;
    final Admin admin;
    final String topic;

    TopicWithRedis(String name) {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix(name));
        admin = Admin.create(Map.of("bootstrap.servers", TestServers.kafka()));
        topic = "it_" + name.replace('-', '_') + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates the topic, then sends it {@code records} records, record i to partition {@code partitionOf(i)}, and waits for them all. */
    void create(int records, IntUnaryOperator partitionOf) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", TestServers.kafka()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(topic, partitionOf.applyAsInt(i), "u", "{}"));
            }
            p.flush();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            TestServers.deleteKeys(redis, keys.prefix());
            admin.deleteTopics(List.of(topic)).all().get();
        } finally {
            admin.close();
            redis.close();
        }
    }
}
