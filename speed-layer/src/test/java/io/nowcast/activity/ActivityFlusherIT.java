package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.SpeedConfig;
import io.nowcast.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The flusher against a real Redis: once a flush has failed, nothing after it may be applied, since the
 * partition's watermark would then move past the records the failed flush took (they would be lost
 * when Spark replays from its checkpoint, because the script skips offsets below the watermark).
 */
class ActivityFlusherIT {
    private static final Instant AT = Instant.parse("2024-07-27T10:15:00Z");
    private RedisClient redis;
    private RedisKeys keys;
    private ActivityFlusher flusher;

    @BeforeEach
    void start() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        String prefix = TestServers.uniquePrefix("flusher");
        keys = new RedisKeys(prefix);
        // Flushes only when asked: a long timer interval and a large buffer.
        SpeedConfig config = SpeedConfig.from(new Env(Map.of("NOWCAST_REDIS_HOST", e.redisHost(),
                "NOWCAST_REDIS_PORT", Integer.toString(e.redisPort()), "NOWCAST_REDIS_PREFIX", prefix,
                "NOWCAST_SPEED_FLUSH_MS", "10000", "NOWCAST_SPEED_FLUSH_RECORDS", "1000000", "NOWCAST_MASTER_DATASET", "off")));
        flusher = new ActivityFlusher(config, redis, new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @AfterEach
    void cleanUp() {
        flusher.close(false);
        redis.keys(keys.prefix() + "*").forEach(redis::del);
        redis.close();
    }

    private void views(long from, long to) {
        for (long offset = from; offset <= to; offset++) {
            String json = "{\"event_type\":\"page_view\",\"user_id\":" + offset + ",\"product_id\":\"p1\",\"timestamp\":\"" + AT + "\"}";
            flusher.add(0, offset, null, json.getBytes(StandardCharsets.UTF_8), AT.toEpochMilli());
        }
    }

    private double views() {
        Double v = redis.zscore(keys.trendingCounts(Instant.parse("2024-07-27T10:00:00Z")), "p1");
        return v == null ? 0 : v;
    }

    @Test
    void afterAFailedFlushNothingLaterIsApplied() {
        views(0, 9);
        flusher.flush();
        assertEquals(10, views());
        assertEquals("9", redis.get(keys.activityOffset(0)));

        // Redis refuses the next flush: the watermark key holds the wrong type.
        redis.del(keys.activityOffset(0));
        redis.hset(keys.activityOffset(0), "not", "a number");
        views(10, 19);
        assertThrows(RuntimeException.class, flusher::flush);

        // Redis is healthy again, but the flusher must not apply offsets 20.. past the lost 10..19.
        redis.del(keys.activityOffset(0));
        redis.set(keys.activityOffset(0), "9");
        assertThrows(IllegalStateException.class, () -> views(20, 29), "the next record rethrows the failure");
        assertThrows(IllegalStateException.class, flusher::flush);
        assertEquals(10, views(), "only the first flush counted");
        assertEquals("9", redis.get(keys.activityOffset(0)), "the watermark stays below the lost records");
    }
}
