package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
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

/** The lanes' watermarks follow the topic's id, against the real broker and Redis. */
class ActivityTopicIT {
    private RedisClient redis;
    private RedisKeys keys;
    private Admin admin;
    private String topic;

    @BeforeEach
    void setUp() throws Exception {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("activity-topic"));
        admin = Admin.create(Map.of("bootstrap.servers", TestServers.kafka()));
        topic = "it_activity_topic_" + UUID.randomUUID().toString().substring(0, 8);
        createWithRecords(3);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            TestServers.deleteKeys(redis, keys.prefix());
            if (admin != null) {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        } finally {
            if (admin != null) {
                admin.close();
            }
            redis.close();
        }
    }

    /** Creates the topic with two partitions and {@code records} records in partition 0 (offsets 0 to records - 1). */
    private void createWithRecords(int records) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", TestServers.kafka()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(topic, 0, "u", "{}")).get();
            }
        }
    }

    private void recreate(int records) throws Exception {
        admin.deleteTopics(List.of(topic)).all().get();
        for (int attempt = 0; ; attempt++) { // the broker finishes a deletion in the background
            try {
                createWithRecords(records);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private void watermarks(String activity, String trending) {
        redis.set(keys.activityOffset(0), activity);
        redis.set(keys.trendingOffset(0), trending);
        redis.set(keys.activityOffset(1), "-1");
    }

    @Test
    void aRecreatedTopicsEventsAreAppliedFromItsStartNotSkippedUpToTheOldOffsets() throws Exception {
        watermarks("2", "2");
        assertEquals(ActivityTopic.Outcome.RECORDED, ActivityTopic.adopt(redis, keys, admin, topic));
        assertEquals(ActivityTopic.Outcome.SAME, ActivityTopic.adopt(redis, keys, admin, topic));
        assertEquals("2", redis.get(keys.activityOffset(0)), "the same topic: a restart keeps its place");
        String firstId = redis.get(keys.topicId(topic));

        recreate(1);
        assertEquals(ActivityTopic.Outcome.REPLACED, ActivityTopic.adopt(redis, keys, admin, topic));
        assertNull(redis.get(keys.activityOffset(0)));
        assertNull(redis.get(keys.trendingOffset(0)));
        assertNull(redis.get(keys.activityOffset(1)));
        String secondId = redis.get(keys.topicId(topic));
        assertEquals(22, secondId.length(), secondId); // Kafka writes a topic id in URL-safe base64
        org.junit.jupiter.api.Assertions.assertNotEquals(firstId, secondId);
        assertEquals(ActivityTopic.Outcome.SAME, ActivityTopic.adopt(redis, keys, admin, topic));
    }

    @Test
    void withNoIdRecordedWatermarksAreKeptWhileBehindTheEndsAndDroppedWhenOneIsAtOrBeyondIt() throws Exception {
        watermarks("2", "1"); // partition 0 ends at offset 3: both behind it
        assertEquals(ActivityTopic.Outcome.RECORDED, ActivityTopic.adopt(redis, keys, admin, topic));
        assertEquals("2", redis.get(keys.activityOffset(0)));

        redis.del(keys.topicId(topic));
        watermarks("2", "3"); // the trending lane's watermark is at the end: not this topic's
        assertEquals(ActivityTopic.Outcome.REPLACED, ActivityTopic.adopt(redis, keys, admin, topic));
        assertNull(redis.get(keys.activityOffset(0)));
        assertNull(redis.get(keys.trendingOffset(0)));
        assertEquals(ActivityTopic.Outcome.SAME, ActivityTopic.adopt(redis, keys, admin, topic));
    }

    @Test
    void aTopicThatDoesNotExistChangesNothing() {
        watermarks("2", "2");
        assertEquals(ActivityTopic.Outcome.NO_TOPIC, ActivityTopic.adopt(redis, keys, admin, topic + "_missing"));
        assertEquals("2", redis.get(keys.activityOffset(0)));
        assertNull(redis.get(keys.topicId(topic + "_missing")));
    }
}
