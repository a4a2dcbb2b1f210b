package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.events.EventCheck;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
    private SpeedConfig config;
    private Lane lane;
    private ActivityFlusher flusher;

    @BeforeEach
    void start() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        String prefix = TestServers.uniquePrefix("flusher");
        keys = new RedisKeys(prefix);
        // Flushes only when asked: a long timer interval and a large buffer.
        config = SpeedConfig.from(new Env(Map.of("NOWCAST_REDIS_HOST", e.redisHost(),
                "NOWCAST_REDIS_PORT", Integer.toString(e.redisPort()), "NOWCAST_REDIS_PREFIX", prefix,
                "NOWCAST_SPEED_FLUSH_MS", "10000", "NOWCAST_SPEED_TRENDING_FLUSH_MS", "10000",
                "NOWCAST_SPEED_FLUSH_RECORDS", "1000000", "NOWCAST_MASTER_DATASET", "off")));
    }

    private void open(Lane l) {
        lane = l;
        flusher = new ActivityFlusher(config, l, redis, new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    private String watermark() {
        return lane == Lane.TRENDING ? keys.trendingOffset(0) : keys.activityOffset(0);
    }

    @AfterEach
    void cleanUp() {
        if (flusher != null) {
            flusher.close(false);
        }
        redis.keys(keys.prefix() + "*").forEach(redis::del);
        redis.close();
    }

    private void views(long from, long to) {
        for (long offset = from; offset <= to; offset++) {
            String json = "{\"event_type\":\"page_view\",\"user_id\":" + offset + ",\"product_id\":\"p1\",\"timestamp\":\"" + AT + "\"}";
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            flusher.add(0, offset, null, value, EventCheck.check(value, AT.toEpochMilli(), 300_000));
        }
    }

    /** Page views the lane has counted: in the trending window, or in the event counts. */
    private double views() {
        if (lane == Lane.TRENDING) {
            Double v = redis.zscore(keys.trendingCounts(Instant.parse("2024-07-27T10:00:00Z")), "p1");
            return v == null ? 0 : v;
        }
        String v = redis.hget(keys.speedCounts(), "v");
        return v == null ? 0 : Double.parseDouble(v);
    }

    @ParameterizedTest
    @EnumSource(Lane.class)
    void afterAFailedFlushNothingLaterIsApplied(Lane l) {
        open(l);
        views(0, 9);
        flusher.flush();
        assertEquals(10, views());
        assertEquals("9", redis.get(watermark()));

        // Redis refuses the next flush: the watermark key holds the wrong type.
        redis.del(watermark());
        redis.hset(watermark(), "not", "a number");
        views(10, 19);
        assertThrows(RuntimeException.class, flusher::flush);

        // Redis is healthy again, but the flusher must not apply offsets 20.. past the lost 10..19.
        redis.del(watermark());
        redis.set(watermark(), "9");
        assertThrows(IllegalStateException.class, () -> views(20, 29), "the next record rethrows the failure");
        assertThrows(IllegalStateException.class, flusher::flush);
        assertEquals(10, views(), "only the first flush counted");
        assertEquals("9", redis.get(watermark()), "the watermark stays below the lost records");
    }
}
