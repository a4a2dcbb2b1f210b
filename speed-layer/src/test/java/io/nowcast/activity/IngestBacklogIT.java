package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import io.nowcast.testing.TestServers;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The users lane's backlog, read from the real broker's end offsets and the watermarks in Redis. */
class IngestBacklogIT {
    private RedisClient redis;
    private RedisKeys keys;
    private Admin admin;
    private String topic;

    @BeforeEach
    void setUp() throws Exception {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("ingest-backlog"));
        admin = Admin.create(Map.of("bootstrap.servers", TestServers.kafka()));
        topic = "it_ingest_backlog_" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", TestServers.kafka()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3_000; i++) {
                p.send(new ProducerRecord<>(topic, i % 2, "u", "{}"));
            }
            p.flush();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            TestServers.deleteKeys(redis, keys.prefix());
            admin.deleteTopics(List.of(topic)).all().get();
        } finally {
            admin.close();
            redis.close();
        }
    }

    @Test
    void recordsBeyondTheWatermarksAreBehindAndNoneOnceTheyAreApplied() throws Exception {
        try (IngestBacklog backlog = IngestBacklog.watch(TestServers.kafka(), topic, redis, keys)) {
            // No watermarks: all 3,000 records are to apply, and with none arriving now, at the least rate
            // (1,000 a second) that is 3 s.
            Await.until(() -> backlog.behindMs() > 0, 20, "a first sample");
            assertEquals(3_000, backlog.behindMs());
            redis.set(keys.activityOffset(0), "1498"); // 1,499 of partition 0's 1,500 applied: one left
            redis.set(keys.activityOffset(1), "1499");
            Await.until(() -> backlog.behindMs() == 1, 20, "one record behind: 1 ms at the least rate");
            redis.set(keys.activityOffset(0), "1499");
            Await.until(() -> backlog.behindMs() == 0, 20, "nothing behind once every record is applied");
        }
    }
}
