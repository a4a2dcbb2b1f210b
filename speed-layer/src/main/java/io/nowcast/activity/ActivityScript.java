package io.nowcast.activity;

import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Scripts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Applies flushes of activity records to Redis through {@code apply_activity.lua}: trending windows
 * and their top 10, viewed/bought/carted sets, 24 h category interests and category popularity with
 * bucketed expiry, DLQ and event counters. The script checks and advances a per-partition offset
 * watermark in the same atomic call, so replaying a flush after a crash changes nothing.
 * The keys it writes are the ones {@link RedisKeys} spells; {@code ActivityScriptIT} reads them back through it.
 */
public final class ActivityScript {
    private static final Scripts SCRIPT = new Scripts(ActivityScript.class, "apply_activity.lua");

    /** How the speed layer's semantics are parameterised (DESIGN.md, "Semantics"). */
    public record Settings(Duration lateness, Duration interestBucket, Duration windowTtl, Duration userTtl,
                           Duration boughtLookback, int sweepLimit) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofHours(48),
                    Duration.ofHours(25), Duration.ofDays(90), 200);
        }
    }

    /** What a record does to Redis. */
    public enum Kind {
        PAGE_VIEW('v'), CLICK('c'), SEARCH('s'), ADD_TO_CART('a'), PURCHASE('p'), REJECTED('x');

        final char code;

        Kind(char code) {
            this.code = code;
        }
    }

    /**
     * One record at its Kafka offset. For {@link Kind#REJECTED} records, {@code productOrReason} holds the
     * reason code, so that DLQ counts are exactly once too.
     */
    public record Record(long offset, Kind kind, long userId, String productOrReason, long timeMs) {}

    /** What a flush did: records applied and skipped as already applied, late offsets, users to refresh. */
    public record Result(long applied, long skipped, List<Long> lateOffsets, List<Long> dirtyUsers) {}

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Settings settings;

    public ActivityScript(UnifiedJedis redis, RedisKeys keys, Settings settings) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
    }

    /** Applies records of one partition, in offset order. */
    public Result apply(int partition, List<Record> records) {
        List<String> args = new ArrayList<>(9 + records.size() * 5);
        args.add(keys.prefix());
        args.add(Integer.toString(partition));
        args.add(Long.toString(settings.lateness().toMillis()));
        args.add(Long.toString(settings.interestBucket().toMillis()));
        args.add(Long.toString(settings.windowTtl().toSeconds()));
        args.add(Long.toString(settings.userTtl().toSeconds()));
        args.add(Long.toString(settings.boughtLookback().toMillis()));
        args.add(Integer.toString(settings.sweepLimit()));
        args.add(Integer.toString(records.size()));
        for (Record r : records) {
            args.add(Long.toString(r.offset()));
            args.add(String.valueOf(r.kind().code));
            args.add(Long.toString(r.userId()));
            args.add(r.productOrReason() == null ? "" : r.productOrReason());
            args.add(Long.toString(r.timeMs()));
        }
        List<?> reply = (List<?>) SCRIPT.eval(redis, args);
        return new Result((Long) reply.get(0), (Long) reply.get(1), longs(reply.get(2)), longs(reply.get(3)));
    }

    private static List<Long> longs(Object o) {
        List<Long> out = new ArrayList<>();
        for (Object x : (List<?>) o) {
            out.add(x instanceof Long l ? l : Long.parseLong(x.toString()));
        }
        return out;
    }
}
