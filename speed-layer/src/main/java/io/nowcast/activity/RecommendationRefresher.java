package io.nowcast.activity;

import io.nowcast.recommend.RecommendationStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the per-user keys of users whose inputs changed, off the flush path: flushes mark users
 * dirty, one thread per executor JVM rewrites their keys every few milliseconds. A user is rewritten at
 * most once per {@link #MIN_INTERVAL_MS}, however many of their events arrive: an active session
 * otherwise costs a rewrite per flush. Recommendations are derived state, so a crash only delays them:
 * the user's next event marks them again.
 *
 * <p>Users wait in the order they were first marked, so under overload everyone waits about as long
 * (no user starves), and a round is followed by a pause at least as long as itself: the refresher never
 * takes more than half of a core or of its share of Redis from the flushes that keep trending fresh.
 */
final class RecommendationRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationRefresher.class);
    private static final Map<String, RecommendationRefresher> BY_STORE = new ConcurrentHashMap<>();
    private static final int ROUND_MS = 20;
    private static final int MAX_USERS_PER_ROUND = 5_000;
    /** The shortest time between two rewrites of one user's key (the freshness target is 500 ms at p99). */
    static final long MIN_INTERVAL_MS = 200;

    private final RecommendationStore store;
    private final int n;
    /** Users waiting for a rewrite, oldest first. Guarded by itself. */
    private final Set<Long> dirty = new java.util.LinkedHashSet<>();
    /** When each recently rewritten user was rewritten (ms); pruned as entries age past the interval. */
    private final Map<Long, Long> refreshedAt = new java.util.HashMap<>();
    private final Object idle = new Object();
    private volatile boolean working;
    private long rounds;
    private long usersRefreshed;
    private long busyNanos;
    private long cpuNanos;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private long lastReport = System.nanoTime();

    private RecommendationRefresher(RecommendationStore store, int n) {
        this.store = store;
        this.n = n;
        Thread t = new Thread(this::run, "nowcast-recommendations");
        t.setDaemon(true);
        t.start();
    }

    /** The refresher of one Redis and key prefix in this JVM. */
    static RecommendationRefresher of(String id, RecommendationStore store, int n) {
        return BY_STORE.computeIfAbsent(id, k -> new RecommendationRefresher(store, n));
    }

    void mark(List<Long> users) {
        synchronized (dirty) {
            dirty.addAll(users);
        }
    }

    private boolean idleNow() {
        synchronized (dirty) {
            return dirty.isEmpty() && !working;
        }
    }

    /** Blocks until every user marked so far has been refreshed (end of a bounded run, and tests). */
    void drain() throws InterruptedException {
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
            LOG.info("recommendations: {} users in {} rounds over {} s, {} ms a round on average, {} µs of this thread's CPU a user, {} still waiting",
                    usersRefreshed, rounds, (now - lastReport) / 1_000_000_000L, busyNanos / rounds / 1_000_000,
                    usersRefreshed == 0 ? 0 : cpuNanos / usersRefreshed / 1_000, waiting());
            rounds = 0;
            usersRefreshed = 0;
            busyNanos = 0;
            cpuNanos = 0;
            lastReport = now;
        }
    }

    private int waiting() {
        synchronized (dirty) {
            return dirty.size();
        }
    }

    private void run() {
        while (true) {
            long pauseMs = ROUND_MS;
            try {
                List<Long> batch = new ArrayList<>();
                long now = System.currentTimeMillis();
                refreshedAt.values().removeIf(t -> now - t >= MIN_INTERVAL_MS);
                synchronized (dirty) {
                    working = true;
                    for (Iterator<Long> it = dirty.iterator(); it.hasNext() && batch.size() < MAX_USERS_PER_ROUND; ) {
                        Long user = it.next();
                        if (!refreshedAt.containsKey(user)) {
                            batch.add(user);
                            it.remove();
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    long t0 = System.nanoTime();
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    store.refresh(batch, n);
                    long busy = System.nanoTime() - t0;
                    busyNanos += busy;
                    cpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
                    rounds++;
                    usersRefreshed += batch.size();
                    batch.forEach(u -> refreshedAt.put(u, now));
                    pauseMs = Math.max(ROUND_MS, busy / 1_000_000);
                }
                report();
            } catch (RuntimeException e) {
                LOG.warn("refreshing recommendations failed; will retry with the next changes", e);
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
