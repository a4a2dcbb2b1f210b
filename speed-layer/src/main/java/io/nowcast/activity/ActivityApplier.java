package io.nowcast.activity;

import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Scripts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ZAddParams;

/**
 * Applies flushes of activity records to Redis, exactly once, in one of two {@link Lane}s: trending
 * windows and their top 10; or viewed/bought/carted sets, 24 h category interests and category popularity
 * with bucketed expiry, DLQ and event counters.
 *
 * <p>One flush of one partition in one lane is one optimistic transaction, in two round trips on the
 * applier's own connection:
 * <ol>
 *   <li>{@code WATCH} the lane's watermark for the partition ({@code offsets:trending:{p}} or
 *       {@code offsets:user_activity:{p}}), then read it, stream time and (users lane) the categories of the
 *       viewed products, in one pipeline;</li>
 *   <li>gather the records above the watermark into per-key deltas ({@link ActivityDelta}, plain Java);</li>
 *   <li>{@code MULTI}, the new watermark and the deltas: in the users lane as plain commands, then
 *       {@code finish_flush.lua} for what must read while it writes (stream time, expiry sweeps); in the
 *       trending lane all in {@code finish_trending.lua}, which adds the counts and ranks the top 10 from
 *       the new ones; then {@code EXEC}.</li>
 * </ol>
 * The users whose inputs changed join {@code recommendations:dirty} in the same transaction, for the
 * {@link RecommendationRefresher}.
 * If anyone moved the watermark in between (a zombie task of the same partition), {@code EXEC} applies
 * nothing and the flush starts again from the read, so a replayed flush changes nothing. Plain commands cost
 * Redis 25–40 % less CPU per event than the same work inside one Lua script did (the script's argument
 * handling and tables, and each {@code redis.call}, cost on top of the commands; README, "Benchmarks").
 * The keys are the ones {@link RedisKeys} spells; {@code ActivityApplierIT} reads them back through it.
 */
public final class ActivityApplier implements AutoCloseable {
    private static final Scripts FINISH = new Scripts(ActivityApplier.class, "finish_flush.lua");
    private static final Scripts FINISH_TRENDING = new Scripts(ActivityApplier.class, "finish_trending.lua");
    /** Optimistic retries before giving up; only a second writer of the same partition makes one fail. */
    private static final int ATTEMPTS = 20;
    /** Members per variadic ZADD. */
    private static final int CHUNK = 500;

    /** How the speed layer's semantics are parameterised (DESIGN.md, "Semantics"). */
    public record Settings(Duration lateness, Duration interestBucket, Duration windowTtl, Duration userTtl,
                           Duration boughtLookback, int sweepLimit) {
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofHours(48),
                    Duration.ofHours(25), Duration.ofDays(90), 200);
        }
    }

    /**
     * The two lanes a task's records are applied in, each exactly once under a watermark of its own. Trending
     * needs a few commands per flush and is fresh within milliseconds; the per-user state needs several
     * commands per event, so its flushes are larger and later, and they never hold trending back.
     * Only the users lane moves stream time: the trending lane judges lateness against stream time as that
     * lane last stored it, moved on by the flush's own records, so the two agree except for an event
     * within one flush's worth of stream time of the lateness bound.
     */
    public enum Lane {
        /** Page views into the trending windows ({@code offsets:trending:{p}}). */
        TRENDING,
        /** Everything else ({@code offsets:user_activity:{p}}): per-user state, category popularity, counters, stream time. */
        USERS
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

    /** What a flush did: records applied and skipped as already applied, late offsets, users it queued for a re-merge. */
    public record Result(long applied, long skipped, List<Long> lateOffsets, List<Long> dirtyUsers) {}

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Settings settings;
    private final Lane lane;
    /** Test hook: runs between the read and the transaction, where a second writer would strike. */
    Runnable afterRead = () -> { };
    /** Test hook: the wall clock that decides when a key's TTL is refreshed. */
    LongSupplier wallClock = System::currentTimeMillis;
    private final TtlRefreshes ttls = new TtlRefreshes();
    private Connection connection;

    public ActivityApplier(RedisClient redis, RedisKeys keys, Settings settings, Lane lane) {
        this.redis = redis;
        this.keys = keys;
        this.settings = settings;
        this.lane = lane;
    }

    /** Applies records of one partition, in offset order. */
    public synchronized Result apply(int partition, List<Record> records) {
        Set<String> viewed = new LinkedHashSet<>();
        for (Record r : records) {
            if (lane == Lane.USERS && r.kind() == Kind.PAGE_VIEW) {
                viewed.add(r.productOrReason());
            }
        }
        String watermarkKey = lane == Lane.TRENDING ? keys.trendingOffset(partition) : keys.activityOffset(partition);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Connection c = connection();
            boolean clean = false;
            try {
                // Round trip 1: WATCH and every read, pipelined.
                Pipeline read = new Pipeline(c);
                read.sendCommand(Protocol.Command.WATCH, watermarkKey);
                Response<String> watermark = read.get(watermarkKey);
                Response<String> streamTime = read.get(keys.streamTime());
                Map<String, Response<String>> categories = new HashMap<>();
                for (String product : viewed) {
                    categories.put(product, read.hget(keys.product(product), "category"));
                }
                read.sync();
                afterRead.run();
                ActivityDelta delta = ActivityDelta.of(lane, records, number(watermark.get(), -1), number(streamTime.get(), 0),
                        settings, product -> {
                            Response<String> cat = categories.get(product);
                            return cat == null ? null : cat.get();
                        });
                // Round trip 2: MULTI, the writes, EXEC.
                Transaction tx = new Transaction(c, true, false);
                long wallNow = wallClock.getAsLong();
                List<String> expiring = new ArrayList<>();
                if (lane == Lane.TRENDING) {
                    writeTrending(tx, delta, watermarkKey);
                } else {
                    write(tx, delta, watermarkKey, wallNow, expiring);
                }
                Response<Object> swept = lane == Lane.TRENDING
                        ? tx.eval(FINISH_TRENDING.source(), List.of(), trendingArgs(delta))
                        : tx.eval(FINISH.source(), List.of(), finishArgs(delta));
                List<Object> replies = tx.exec();
                clean = true;
                if (replies == null) {
                    continue; // the watermark moved under us: read again
                }
                for (Object reply : replies) {
                    if (reply instanceof Exception e) {
                        throw new IllegalStateException("applying a flush of partition " + partition + " to Redis failed", e);
                    }
                }
                ttls.refreshed(expiring, wallNow);
                Set<Long> dirty = new LinkedHashSet<>(delta.dirtyUsers);
                for (Object user : lane == Lane.TRENDING ? List.of() : (List<?>) swept.get()) {
                    dirty.add(Long.parseLong(Scripts.text(user)));
                }
                return new Result(delta.applied, delta.skipped, delta.lateOffsets, new ArrayList<>(dirty));
            } finally {
                if (!clean) {
                    // It may still WATCH or be inside MULTI: never use it again, nor hand it back to the pool.
                    c.setBroken();
                    close();
                }
            }
        }
        throw new IllegalStateException("partition " + partition + "'s " + lane + " watermark kept moving during " + ATTEMPTS
                + " attempts: is a second speed layer writing the same prefix?");
    }

    /** This applier's own connection, held between flushes: no pool round trips, no UNWATCH on return. */
    private Connection connection() {
        if (connection == null) {
            connection = redis.getPool().getResource();
        }
        return connection;
    }

    /** Hands the connection back to the pool (a task ends); the next flush takes another. */
    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    private static long number(String s, long none) {
        return s == null ? none : Long.parseLong(s);
    }

    /** Queues a trending flush's new watermark (its counts go in {@code finish_trending.lua}, which adds and ranks them). */
    private void writeTrending(Transaction tx, ActivityDelta d, String watermarkKey) {
        tx.set(watermarkKey, Long.toString(d.lastOffset));
    }

    /**
     * Queues a users flush's deltas as plain commands, the new watermark last. A per-user key gets its TTL
     * when {@link TtlRefreshes} says it is due, and is added to {@code expiring}.
     */
    private void write(Transaction tx, ActivityDelta d, String watermarkKey, long wallNow, List<String> expiring) {
        long userTtl = settings.userTtl().toSeconds();
        d.viewedAt.forEach((user, products) -> {
            String key = keys.viewed(user);
            zaddGreater(tx, key, products);
            expireIfDue(tx, key, userTtl, wallNow, expiring);
        });
        d.interests.forEach((user, categories) -> {
            String key = keys.interest(user);
            categories.forEach((category, views) -> tx.hincrBy(key, category, views));
            expireIfDue(tx, key, userTtl, wallNow, expiring);
        });
        d.interestExpiries.forEach((user, fields) -> {
            String key = keys.interestExpiry(user);
            fields.forEach((field, views) -> tx.hincrBy(key, field, views));
            expireIfDue(tx, key, userTtl, wallNow, expiring);
        });
        if (!d.interestDue.isEmpty()) {
            Map<String, Double> due = new HashMap<>();
            d.interestDue.forEach((user, at) -> due.put(Long.toString(user), (double) at));
            zadd(tx, keys.interestDue(), due, ZAddParams.zAddParams().lt());
        }
        d.popularity.forEach((category, products) -> {
            String key = keys.category(category);
            products.forEach((product, views) -> tx.zincrby(key, views, product));
        });
        d.popularityExpiry.forEach((expiry, fields) -> {
            String key = keys.popularityExpiry(expiry);
            fields.forEach((field, views) -> tx.hincrBy(key, field, views));
            tx.zadd(keys.popularityDue(), expiry, Long.toString(expiry));
        });
        long lookback = settings.boughtLookback().toMillis();
        d.boughtAt.forEach((user, products) -> {
            String key = keys.bought(user);
            zaddGreater(tx, key, products);
            long newest = products.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            tx.zremrangeByScore(key, "-inf", "(" + (newest - lookback));
            tx.pexpire(key, lookback);
        });
        d.cartedAt.forEach((user, products) -> {
            String key = keys.carted(user);
            zaddGreater(tx, key, products);
            expireIfDue(tx, key, userTtl, wallNow, expiring);
        });
        if (!d.dirtyUsers.isEmpty()) {
            // Queued for a re-merge in the same transaction: a crash can delay a user's key, never lose it.
            double now = System.currentTimeMillis();
            Map<String, Double> dirty = new HashMap<>();
            d.dirtyUsers.forEach(user -> dirty.put(Long.toString(user), now));
            zadd(tx, keys.recommendationsDirty(), dirty, ZAddParams.zAddParams().nx());
        }
        d.dlqCounts.forEach((reason, n) -> tx.hincrBy(keys.dlqCounts(), reason, n));
        d.kindCounts.forEach((kind, n) -> tx.hincrBy(keys.speedCounts(), kind, n));
        tx.set(watermarkKey, Long.toString(d.lastOffset));
    }

    private void expireIfDue(Transaction tx, String key, long ttlSeconds, long wallNow, List<String> expiring) {
        if (ttls.due(key, wallNow)) {
            tx.expire(key, ttlSeconds);
            expiring.add(key);
        }
    }

    private static void zaddGreater(Transaction tx, String key, Map<String, Long> members) {
        Map<String, Double> scores = new HashMap<>();
        members.forEach((m, ts) -> scores.put(m, (double) ts));
        zadd(tx, key, scores, ZAddParams.zAddParams().gt());
    }

    private static void zadd(Transaction tx, String key, Map<String, Double> members, ZAddParams params) {
        if (members.size() <= CHUNK) {
            tx.zadd(key, members, params);
            return;
        }
        Map<String, Double> chunk = new HashMap<>();
        for (Map.Entry<String, Double> e : members.entrySet()) {
            chunk.put(e.getKey(), e.getValue());
            if (chunk.size() == CHUNK) {
                tx.zadd(key, chunk, params);
                chunk = new HashMap<>();
            }
        }
        if (!chunk.isEmpty()) {
            tx.zadd(key, chunk, params);
        }
    }

    private List<String> finishArgs(ActivityDelta d) {
        return List.of(keys.prefix(), Long.toString(d.streamTime), Integer.toString(settings.sweepLimit()));
    }

    private List<String> trendingArgs(ActivityDelta d) {
        List<String> args = new ArrayList<>();
        args.add(keys.prefix());
        args.add(Long.toString(settings.windowTtl().toSeconds()));
        args.add(Integer.toString(d.trend.size()));
        d.trend.forEach((window, products) -> {
            args.add(RedisKeys.windowText(Instant.ofEpochMilli(window)));
            args.add(Long.toString(window));
            args.add(Integer.toString(products.size()));
            products.forEach((product, views) -> {
                args.add(product);
                args.add(Long.toString(views));
            });
        });
        return args;
    }
}
