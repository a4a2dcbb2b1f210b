package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;

/**
 * The flusher against a real Redis: once a flush has failed, nothing after it may be applied, since the
 * partition's watermark would then move past the records the failed flush took (they would be lost
 * when Spark replays from its checkpoint, because the script skips offsets below the watermark). And a
 * task at the backlog cap waits for the lane's thread to take its buffer, then goes on: every record is
 * applied once, in order, by the lane's thread, and a failure meanwhile reaches the waiting task.
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
        config = config(1_000_000);
    }

    /** Flushes every 10 s, or at once at {@code flushRecords} buffered. */
    private SpeedConfig config(int flushRecords) {
        Endpoints e = TestServers.redis();
        return SpeedConfig.from(new Env(Map.of("NOWCAST_REDIS_HOST", e.redisHost(),
                "NOWCAST_REDIS_PORT", Integer.toString(e.redisPort()), "NOWCAST_REDIS_PREFIX", keys.prefix(),
                "NOWCAST_SPEED_FLUSH_MS", "10000", "NOWCAST_SPEED_TRENDING_FLUSH_MS", "10000",
                "NOWCAST_SPEED_FLUSH_RECORDS", Integer.toString(flushRecords), "NOWCAST_MASTER_DATASET", "off")));
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
        if (gated != null) {
            gated.gate.countDown(); // a held flush must end for close to return
        }
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

    /** A dead-letter producer whose flush waits at a gate, then returns or fails as told: a flush held up. */
    private static final class GatedProducer extends MockProducer<byte[], byte[]> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        volatile RuntimeException failWith;

        GatedProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized void flush() {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failWith != null) {
                throw failWith;
            }
            super.flush();
        }
    }

    private static final int CAP = 1_000;
    private GatedProducer gated;

    /**
     * Starts a users lane with a backlog cap of {@link #CAP} and a flush every 100 records, holds its first
     * flush (a dead letter, then 99 views) at the dead-letter gate, and fills the buffer to the cap from
     * a task thread of its own; returns that thread once it waits for room, with what it threw in {@code thrown}.
     */
    private Thread taskAtTheCap(GatedProducer dlq, AtomicReference<Throwable> thrown) throws InterruptedException {
        gated = dlq;
        lane = Lane.USERS;
        config = config(100);
        flusher = new ActivityFlusher(config, Lane.USERS, redis, dlq, CAP);
        byte[] bad = "not json".getBytes(StandardCharsets.UTF_8);
        flusher.add(0, 0, null, bad, EventCheck.check(bad, AT.toEpochMilli(), 300_000));
        views(1, 99); // the 100th record asks the lane's thread to flush
        dlq.entered.await();
        Thread task = new Thread(() -> {
            try {
                views(100, 100 + CAP - 1);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "task-at-the-cap");
        task.start();
        // The flush under way is held, so the task fills the buffer to the cap and waits: for room
        // (WAITING), or, as before, to apply the buffer itself once the held flush is done (BLOCKED).
        while (task.isAlive() && task.getState() != Thread.State.WAITING && task.getState() != Thread.State.BLOCKED) {
            Thread.onSpinWait();
        }
        return task;
    }

    @Test
    void aTaskAtTheCapWaitsForTheLanesThreadToTakeItsBufferAndEveryRecordIsAppliedOnce() throws InterruptedException {
        GatedProducer dlq = new GatedProducer();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread task = taskAtTheCap(dlq, thrown);
        assertEquals(Thread.State.WAITING, task.getState(), "the task waits for room, not to apply the buffer itself");
        assertNull(redis.get(watermark()), "nothing applied while the first flush is held");

        dlq.gate.countDown();
        task.join();
        assertNull(thrown.get());
        flusher.flush(); // as the task's close does: what is left, after the flushes under way
        assertEquals(CAP + 99, views(), "every view counted once");
        assertEquals(Long.toString(CAP + 99), redis.get(watermark()));
        assertEquals(1, dlq.history().size(), "the bad record dead-lettered once");
    }

    @Test
    void aFailureWhileTheTaskWaitsAtTheCapReachesTheTask() throws InterruptedException {
        GatedProducer dlq = new GatedProducer();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread task = taskAtTheCap(dlq, thrown);

        dlq.failWith = new IllegalStateException("the dead-letter topic is unreachable");
        dlq.gate.countDown();
        task.join();
        assertInstanceOf(IllegalStateException.class, thrown.get());
        assertEquals("flushing activity to Redis failed", thrown.get().getMessage());
        assertThrows(IllegalStateException.class, flusher::flush);
        assertNull(redis.get(watermark()), "nothing applied after the failed flush");
        assertEquals(0, views());
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
