package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.nowcast.redis.RedisKeys;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The lanes' watermarks follow the topic's id, against the real broker and Redis. */
class ActivityTopicIT {
    private TopicWithRedis t;
    private RedisClient redis;
    private RedisKeys keys;
    private Admin admin;
    private String topic;

    @BeforeEach
    void setUp() throws Exception {
        t = new TopicWithRedis("activity-topic");
        redis = t.redis;
        keys = t.keys;
        admin = t.admin;
        topic = t.topic;
        createWithRecords(3);
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
    }

    /** Creates the topic with two partitions and {@code records} records in partition 0 (offsets 0 to records - 1). */
    private void createWithRecords(int records) throws Exception {
        t.create(records, i -> 0);
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
