package io.nowcast.activity;

import io.nowcast.recommend.RecommendationStore;
import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Connections;
import io.nowcast.speed.Scripts;
import io.nowcast.speed.SpeedConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ZParams;

/**
 * Rewrites the per-user keys of users whose inputs changed, off the flush path. Flushes queue those
 * users in {@code recommendations:dirty} inside their own transaction ({@link ActivityApplier}); one
 * thread (in the job's driver, or in {@code RefresherMain}) takes the oldest of them every few milliseconds, moves them to
 * {@code recommendations:refreshing}, merges and writes their keys, and only then lets go of them. So
 * a crash at any point delays a re-merge, never loses one: a refresher that starts puts what a dead one
 * held back into the queue. One refresher per Redis prefix is the only writer that rewrites these keys
 * as inputs change; the API writes a key only where none exists yet (a user asked for before their first
 * re-merge, {@code KeylessMerges}) or when it is older than the rules, and such users are queued here anyway.
 *
 * <p>A user waiting in the queue is queued once, however many of their events arrive, and keeps the
 * place of their first change, so under overload everyone waits about as long (no user starves). A
 * round takes at most {@link #CHUNK} of the longest-waiting users and writes their keys as soon as they are
 * merged, so a user waits for the users queued before them and one round, not for the whole queue's round
 * in progress and then their own. A round is followed by a rest of NOWCAST_REFRESHER_REST_PERCENT of its own
 * time ({@link #DEFAULT_REST_PERCENT}: none by default), which an operator raises to leave more of a core
 * and of Redis to the flushes that keep trending fresh and to the API, and, when it emptied the queue, of
 * at least {@link #ROUND_MS}. While the speed layer's users lane is more than NOWCAST_REFRESHER_YIELD_MS
 * behind Kafka ({@link IngestBacklog}), the rest is at least {@link #YIELD_REST_PERCENT}: under a load the
 * machine cannot carry, ingest (and trending with it) comes first, and user keys get fresher more slowly.
 * Catalog facts of in-stock products are kept from round
 * to round ({@link RecommendationStore.FactsCache}).
 */
public final class RecommendationRefresher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationRefresher.class);
    private static final Map<String, RecommendationRefresher> BY_STORE = new ConcurrentHashMap<>();
    private static final int ROUND_MS = 20;
    private static final Scripts CLAIM = new Scripts(RecommendationRefresher.class, "claim_users.lua");
    /**
     * The most users one round merges. Smaller rounds write keys sooner but read the shared inputs
     * (category rankings, trending) more often: at 256, bench/refresher's cost per user was within 10 % of
     * rounds of a whole queue (about 1,000 users at 20 K events/s) once catalog facts were kept between rounds.
     */
    static final int CHUNK = 256;
    /**
     * NOWCAST_REFRESHER_REST_PERCENT's default: no rest while users wait. With rounds of a whole queue, not
     * resting took the REST API's p99 under 20 K events/s of ingest to 25.8 ms (one {@code RUNS=3
     * bench/serving}), so the default was 100 (rest as long as each round took). With rounds of
     * {@link #CHUNK}, the same run without a rest gave 11.6 ms, and on one stack at 20 K events/s the user
     * key's p99 was 439 / 457 ms without the rest against 574 / 963 ms with it (README, Benchmarks, "The
     * refresher's rounds"). An operator who wants the refresher to leave more of the machine to everything
     * else raises it (100: at most half a core).
     */
    public static final int DEFAULT_REST_PERCENT = 0;
    /**
     * NOWCAST_REFRESHER_YIELD_MS' default: the refresher yields while the speed layer's users lane is more
     * than 2 s behind Kafka ({@link IngestBacklog}). At 20 K events/s the lane's backlog stays under one
     * second's worth; at 80 K events/s on a two-core machine, with the refresher stopped (SIGSTOP) for 72 s
     * the backlog held at 52-183 K records, and within 20 s of its going on it grew to 1.2 M. With yielding,
     * one run at 50 K events/s kept up where one without fell behind (bench/refresher-yield; README,
     * Benchmarks, "Cheaper rounds, and a refresher that yields to ingest"). 0: never yield.
     */
    public static final int DEFAULT_YIELD_MS = 2_000;
    /**
     * While yielding, a round is followed by a rest this share of its own time: the refresher then takes at
     * most a fifth of what it would, and still merges, so that user keys go on getting fresher under a load
     * the machine cannot carry.
     */
    static final int YIELD_REST_PERCENT = 400;

    private final RedisClient redis;
    private final RedisKeys keys;
    private final RecommendationStore store;
    private final RecommendationStore.FactsCache facts = new RecommendationStore.FactsCache();
    private final int n;
    /** After a round, the thread rests this share of the round's time (and at least {@link #ROUND_MS} once the queue is empty). */
    private final int restPercent;
    /** The users lane's backlog, and how far behind it makes the refresher yield (ms; 0: never). */
    private final IngestBacklog backlog;
    private final long yieldMs;
    private long yieldedRounds;
    private final Object idle = new Object();
    private final Thread thread;
    private volatile boolean working;
    private long rounds;
    private long usersRefreshed;
    private long busyNanos;
    private long cpuNanos;
    private long oldestWaitMs;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private long lastReport = System.nanoTime();

    RecommendationRefresher(RedisClient redis, RedisKeys keys, int n) {
        this(redis, keys, n, DEFAULT_REST_PERCENT);
    }

    RecommendationRefresher(RedisClient redis, RedisKeys keys, int n, int restPercent) {
        this(redis, keys, n, restPercent, IngestBacklog.NONE, 0);
    }

    RecommendationRefresher(RedisClient redis, RedisKeys keys, int n, int restPercent, IngestBacklog backlog, long yieldMs) {
        this.restPercent = restPercent;
        this.backlog = backlog;
        this.yieldMs = yieldMs;
        this.redis = redis;
        this.keys = keys;
        this.store = new RecommendationStore(redis, keys);
        this.n = n;
        this.thread = new Thread(this::run, "nowcast-recommendations");
        thread.setDaemon(true);
    }

    /** The job's refresher for this Redis and key prefix, started on first use. */
    public static RecommendationRefresher start(SpeedConfig c) {
        return BY_STORE.computeIfAbsent(c.redisHost() + ":" + c.redisPort() + "/" + c.redisPrefix(),
                k -> {
                    RedisClient redis = Connections.redis(c);
                    RedisKeys keys = new RedisKeys(c.redisPrefix());
                    IngestBacklog backlog = c.refresherYieldMs() == 0 ? IngestBacklog.NONE : IngestBacklog.watch(c.kafkaBootstrap(), redis, keys);
                    return new RecommendationRefresher(redis, keys, c.recommendations(), c.refresherRestPercent(), backlog, c.refresherYieldMs()).begin();
                });
    }

    /** Takes back what a dead refresher held, then starts the refreshing thread. */
    RecommendationRefresher begin() {
        requeueClaimed();
        thread.start();
        return this;
    }

    /** Stops the thread (tests; the job's refresher lives as long as the job). */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
        backlog.close();
    }

    /** Puts the users a refresher took but never wrote back into the queue, each at its first-change time. */
    void requeueClaimed() {
        try (AbstractTransaction tx = redis.multi()) {
            tx.zunionstore(keys.recommendationsDirty(), new ZParams().aggregate(ZParams.Aggregate.MIN),
                    keys.recommendationsDirty(), keys.recommendationsRefreshing());
            tx.del(keys.recommendationsRefreshing());
            tx.exec();
        }
    }

    /**
     * Takes up to {@code max} of the longest-waiting users off the queue, into the claimed set with their
     * places, in one call ({@code claim_users.lua}). A flush that queues one of them afterwards finds them
     * gone and queues them anew: this round reads their inputs after the claim, so the next one repeats it.
     */
    List<Long> claim(int max) {
        List<?> oldest = (List<?>) CLAIM.eval(redis, List.of(keys.recommendationsDirty(), keys.recommendationsRefreshing(), Integer.toString(max)));
        if (oldest.isEmpty()) {
            return List.of();
        }
        List<Long> users = new ArrayList<>(oldest.size() / 2);
        for (int i = 0; i < oldest.size(); i += 2) {
            users.add(Long.parseLong(Scripts.text(oldest.get(i))));
        }
        oldestWaitMs = Math.max(oldestWaitMs, System.currentTimeMillis() - (long) Double.parseDouble(Scripts.text(oldest.get(1))));
        return users;
    }

    /**
     * How long to rest after a round that took {@code busyMs}: restPercent of it, and at least {@link #ROUND_MS}
     * unless the round was full ({@code more}: users may still be waiting).
     */
    static long pauseAfter(long busyMs, int restPercent, boolean more) {
        return Math.max(more ? 0 : ROUND_MS, busyMs * restPercent / 100);
    }

    /**
     * The same, taking {@link #YIELD_REST_PERCENT} instead of {@code restPercent} where that is more, while
     * ingest is {@code behindMs} behind and that is more than {@code yieldMs} (0: never yield).
     */
    static long pauseAfter(long busyMs, int restPercent, boolean more, long behindMs, long yieldMs) {
        return pauseAfter(busyMs, yields(behindMs, yieldMs) ? Math.max(restPercent, YIELD_REST_PERCENT) : restPercent, more);
    }

    /** Whether ingest {@code behindMs} behind makes the refresher yield, with a limit of {@code yieldMs} (0: never). */
    static boolean yields(long behindMs, long yieldMs) {
        return yieldMs > 0 && behindMs > yieldMs;
    }

    private boolean idleNow() {
        return !working && redis.zcard(keys.recommendationsDirty()) == 0 && redis.zcard(keys.recommendationsRefreshing()) == 0;
    }

    /** Blocks until every user queued so far has been re-merged (the end of a bounded run, and tests). */
    public void drain() throws InterruptedException {
        synchronized (idle) {
            while (!idleNow()) {
                idle.wait(50);
            }
        }
    }

    /** Every 10 s, a line saying how much work the refresher does, for tuning. */
    private void report() {
        long now = System.nanoTime();
        if (now - lastReport >= 10_000_000_000L && rounds > 0) {
            LOG.info("recommendations: {} users in {} rounds over {} s, {} ms a round on average, {} µs of this thread's CPU a user, "
                            + "{} still waiting, the longest wait {} ms; {} rounds yielded to ingest (now {} ms behind)",
                    usersRefreshed, rounds, (now - lastReport) / 1_000_000_000L, busyNanos / rounds / 1_000_000,
                    usersRefreshed == 0 ? 0 : cpuNanos / usersRefreshed / 1_000, redis.zcard(keys.recommendationsDirty()), oldestWaitMs,
                    yieldedRounds, backlog.behindMs());
            yieldedRounds = 0;
            rounds = 0;
            usersRefreshed = 0;
            busyNanos = 0;
            cpuNanos = 0;
            oldestWaitMs = 0;
            lastReport = now;
        }
    }

    /**
     * One round: claims up to {@link #CHUNK} of the longest-waiting users, merges them and writes their
     * keys, then lets go of them; how many it merged (0: the queue was empty). The thread's loop, and
     * bench/refresher, which times exactly this.
     */
    int round() {
        List<Long> batch = claim(CHUNK);
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            // They leave the claimed set in the round trip that writes their keys, after the keys.
            store.refresh(batch, n, facts, keys.recommendationsRefreshing());
        } catch (RuntimeException e) {
            requeueClaimed();
            throw e;
        }
        return batch.size();
    }

    private void run() {
        while (true) {
            long pauseMs = ROUND_MS;
            try {
                working = true;
                long t0 = System.nanoTime();
                long c0 = THREADS.getCurrentThreadCpuTime();
                int merged = round();
                if (merged > 0) {
                    long busy = System.nanoTime() - t0;
                    busyNanos += busy;
                    cpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
                    rounds++;
                    usersRefreshed += merged;
                    long behind = backlog.behindMs();
                    pauseMs = pauseAfter(busy / 1_000_000, restPercent, merged == CHUNK, behind, yieldMs);
                    if (yields(behind, yieldMs)) {
                        yieldedRounds++;
                    }
                }
                report();
            } catch (RuntimeException e) {
                LOG.warn("refreshing recommendations failed; the users stay queued and are retried", e);
                pauseMs = 1_000;
            } finally {
                working = false;
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
