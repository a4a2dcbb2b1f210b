package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Kind;
import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.events.Event;
import io.nowcast.events.EventCheck;
import io.nowcast.events.RejectReason;
import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.SpeedConfig;
import io.nowcast.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.RedisClient;

/**
 * Buffers one task's activity records for one {@link Lane} and flushes them every few milliseconds (or
 * every N records): in the users lane, bad records to the dead-letter topic, then one transaction per Kafka
 * partition ({@link ActivityApplier}, which also queues the changed users for the
 * {@link RecommendationRefresher}), then the late records to the dead-letter topic; in the trending lane,
 * one transaction per partition of the valid records (page views count, the others move the flush's
 * stream time on). {@link ActivityWriter} checks each record once and hands it to both.
 * Failures surface on the task thread, so Spark retries from its checkpoint.
 *
 * <p>Double-buffered: a flush takes the buffer and applies it without holding it, so the task goes on
 * reading Kafka while Redis works. Flushes are applied one at a time, in order ({@link #applying}).
 */
final class ActivityFlusher {
    /** Test hook: halt the JVM right after the Nth Redis apply, before Spark can commit the batch. */
    static final String CRASH_AFTER_APPLY = "NOWCAST_CRASH_AFTER_APPLY";
    private static final AtomicLong APPLIES = new AtomicLong();

    private record Raw(byte[] key, byte[] value) {}

    private final SpeedConfig config;
    private final Lane lane;
    private final ActivityApplier applier;
    private final Producer<byte[], byte[]> dlq;
    private final long crashAfter;
    private final ScheduledExecutorService timer;
    /** Set while a flush asked for by a full buffer waits for the lane's thread. */
    private final AtomicBoolean flushAsked = new AtomicBoolean();
    /**
     * How many records a lane may hold before the task waits for it (or NOWCAST_SPEED_FLUSH_RECORDS, if
     * that is more). Records held here are live heap, copied by every young collection; records left in
     * Kafka cost the heap nothing. Catching up 450 K records at 100 K events/s with up to 200 K a lane
     * (20 flushes of 10,000), collections paused 8.6 s in a minute (at most 571 ms); with this cap,
     * 5.0 s (at most 255 ms); one run each (README, Benchmarks, "Flushes that grow with the load").
     */
    static final int BACKLOG_RECORDS = 40_000;
    private final int backlogRecords;

    /** Held while a taken buffer is applied: one flush at a time, in the order buffers were taken. */
    private final Object applying = new Object();
    // The buffer, guarded by this.
    private Map<Integer, List<Record>> pending = new HashMap<>();
    private Map<Long, Raw> raw = new HashMap<>();
    private List<ProducerRecord<byte[], byte[]>> rejected = new ArrayList<>();
    private int buffered;
    private long firstBufferedAt;
    private volatile RuntimeException failure;

    ActivityFlusher(SpeedConfig config, Lane lane, RedisClient redis, Producer<byte[], byte[]> dlq) {
        this(config, lane, redis, dlq, BACKLOG_RECORDS);
    }

    /** With a backlog cap of its own (tests); the task waits at the larger of it and NOWCAST_SPEED_FLUSH_RECORDS. */
    ActivityFlusher(SpeedConfig config, Lane lane, RedisClient redis, Producer<byte[], byte[]> dlq, int backlogRecords) {
        this.config = config;
        this.backlogRecords = Math.max(backlogRecords, config.flushRecords());
        this.lane = lane;
        RedisKeys keys = new RedisKeys(config.redisPrefix());
        this.applier = new ActivityApplier(redis, keys, config.activitySettings(), lane);
        this.dlq = dlq;
        String crash = System.getenv(CRASH_AFTER_APPLY);
        this.crashAfter = crash == null || crash.isBlank() ? -1 : Long.parseLong(crash.trim());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nowcast-" + lane.name().toLowerCase(Locale.ROOT) + "-flush");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushIfDue, flushMillis(), flushMillis(), TimeUnit.MILLISECONDS);
    }

    private int flushMillis() {
        return lane == Lane.TRENDING ? config.trendingFlushMillis() : config.flushMillis();
    }

    /**
     * Buffers a record as {@link EventCheck} judged it (the trending lane ignores rejected ones). At
     * {@code NOWCAST_SPEED_FLUSH_RECORDS} the lane's thread is asked to flush at once; only a lane
     * {@link #BACKLOG_RECORDS} behind makes the task wait for it, so a slow users lane does not stop
     * the task reading Kafka for the trending lane, and its next flush has fuller transactions (cheaper per event).
     * The task waits only until the lane's thread has taken the buffer, not while it is applied: the
     * lane's thread applies every flush while the task runs, so the task reads Kafka again (for trending
     * too) as soon as the flush under way is done, not after the next one as well.
     */
    void add(int partition, long offset, byte[] key, byte[] value, EventCheck.Verdict verdict) {
        if (lane == Lane.TRENDING && !verdict.ok()) {
            rethrow();
            return;
        }
        int n = buffer(partition, offset, key, value, verdict);
        if (n >= config.flushRecords() && flushAsked.compareAndSet(false, true)) {
            timer.execute(() -> {
                flushAsked.set(false);
                flushQuietly();
            });
        }
        if (n >= backlogRecords) {
            awaitTaken();
        }
    }

    /** Waits until the lane's thread has taken the buffer (it is asked to flush at once), or failed. */
    private synchronized void awaitTaken() {
        boolean interrupted = false;
        while (failure == null && buffered >= backlogRecords) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true; // the flush under way finishes regardless; the task sees it afterwards
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    /** Buffers one record; how many are buffered now. */
    private synchronized int buffer(int partition, long offset, byte[] key, byte[] value, EventCheck.Verdict v) {
        rethrow();
        Record r;
        if (!v.ok()) {
            r = new Record(offset, Kind.REJECTED, 0, v.reason().code(), 0);
            rejected.add(deadLetter(key, value, v.reason(), partition, offset));
        } else {
            Event e = v.event();
            r = new Record(offset, kind(e), e.userId(), e.productId() == null ? "" : e.productId(), e.timestamp().toEpochMilli());
            if (lane == Lane.USERS) {
                raw.put(rawKey(partition, offset), new Raw(key, value)); // a late one is dead-lettered as it came
            }
        }
        pending.computeIfAbsent(partition, p -> new ArrayList<>()).add(r);
        if (buffered++ == 0) {
            firstBufferedAt = System.nanoTime();
        }
        return buffered;
    }

    private static long rawKey(int partition, long offset) {
        return ((long) partition << 48) ^ offset;
    }

    private static Kind kind(Event e) {
        return switch (e.type()) {
            case PAGE_VIEW -> Kind.PAGE_VIEW;
            case CLICK -> Kind.CLICK;
            case SEARCH -> Kind.SEARCH;
            case ADD_TO_CART -> Kind.ADD_TO_CART;
            case PURCHASE -> Kind.PURCHASE;
        };
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(byte[] key, byte[] value, RejectReason reason, int partition, long offset) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(Topics.USER_ACTIVITY_DLQ, key, value);
        r.headers().add(Topics.DLQ_REASON_HEADER, reason.code().getBytes(StandardCharsets.UTF_8));
        r.headers().add("source", (Topics.USER_ACTIVITY + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private synchronized boolean due() {
        return failure == null && buffered > 0 && System.nanoTime() - firstBufferedAt >= flushMillis() * 1_000_000L;
    }

    private void flushIfDue() {
        if (due()) {
            flushQuietly();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // Recorded by flush; the task thread rethrows it with its next record, and Spark retries.
        }
    }

    /** What one flush applies: the buffer as it was taken. */
    private record Taken(Map<Integer, List<Record>> pending, Map<Long, Raw> raw, List<ProducerRecord<byte[], byte[]>> rejected) {}

    private synchronized Taken take() {
        if (buffered == 0) {
            return null;
        }
        Taken t = new Taken(pending, raw, rejected);
        pending = new HashMap<>();
        raw = new HashMap<>();
        rejected = new ArrayList<>();
        buffered = 0;
        notifyAll(); // a task waiting for room (awaitTaken)
        return t;
    }

    private synchronized void fail(RuntimeException e) {
        failure = e;
        notifyAll();
    }

    /**
     * Applies what is buffered. After a failed flush nothing more is applied: the records it took are
     * lost to this task, and applying later ones would move the partition's watermark past them. The
     * failure is recorded before the lock is released, so a flush waiting on it sees the failure.
     */
    void flush() {
        synchronized (applying) {
            rethrow();
            Taken t = take();
            if (t == null) {
                return;
            }
            try {
                apply(t.pending(), t.raw(), t.rejected());
            } catch (RuntimeException e) {
                fail(e);
                throw e;
            }
        }
    }

    private void apply(Map<Integer, List<Record>> pending, Map<Long, Raw> raw, List<ProducerRecord<byte[], byte[]>> rejected) {
        // Dead letters go first: after a crash they may be sent twice, never lost.
        if (!rejected.isEmpty()) {
            rejected.forEach(dlq::send);
            dlq.flush();
        }
        List<ProducerRecord<byte[], byte[]>> late = new ArrayList<>();
        int chunk = config.flushRecords();
        for (Map.Entry<Integer, List<Record>> e : pending.entrySet()) {
            List<Record> records = e.getValue();
            // A lane that fell behind takes a large buffer; one transaction per NOWCAST_SPEED_FLUSH_RECORDS
            // keeps each EXEC short, since Redis answers nobody else (the API, the other lane) meanwhile.
            for (int from = 0; from < records.size(); from += chunk) {
                ActivityApplier.Result result = applier.apply(e.getKey(), records.subList(from, Math.min(records.size(), from + chunk)));
                if (crashAfter > 0 && APPLIES.incrementAndGet() >= crashAfter) {
                    Runtime.getRuntime().halt(137);
                }
                for (long offset : result.lateOffsets()) {
                    Raw r = raw.get(rawKey(e.getKey(), offset));
                    late.add(deadLetter(r.key(), r.value(), RejectReason.LATE, e.getKey(), offset));
                }
            }
        }
        if (!late.isEmpty()) {
            late.forEach(dlq::send);
            dlq.flush();
        }
    }

    void close(boolean success) {
        // No interrupt: a flush the timer has under way must finish (an interrupted Kafka flush would throw
        // after the Redis call, and fail the task for nothing); flush() below waits for it.
        timer.shutdown();
        try {
            closeFlushing(success);
        } finally {
            synchronized (applying) {
                applier.close();
            }
        }
    }

    private void closeFlushing(boolean success) {
        if (success) {
            rethrow();
            flush(); // waits for a flush the timer has under way, then applies the rest
            rethrow();
        }
    }

    private void rethrow() {
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException("flushing activity to Redis failed", f);
        }
    }
}
