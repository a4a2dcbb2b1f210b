package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import io.nowcast.testing.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The users lane's backlog, read from the real broker's end offsets and the watermarks in Redis. */
class IngestBacklogIT {
    private TopicWithRedis t;
    private RedisClient redis;
    private RedisKeys keys;
    private String topic;

    @BeforeEach
    void setUp() throws Exception {
        t = new TopicWithRedis("ingest-backlog");
        redis = t.redis;
        keys = t.keys;
        topic = t.topic;
        t.create(3_000, i -> i % 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        t.close();
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
