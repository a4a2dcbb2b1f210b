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
 * dirty, one thread per executor JVM rewrites their keys every few milliseconds, each user at most once
 * per round however many of their events arrived. Recommendations are derived state, so a crash only
 * delays them: the user's next event marks them again.
 */
final class RecommendationRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(RecommendationRefresher.class);
    private static final Map<String, RecommendationRefresher> BY_STORE = new ConcurrentHashMap<>();
    private static final int ROUND_MS = 20;
    private static final int MAX_USERS_PER_ROUND = 5_000;

    private final RecommendationStore store;
    private final int n;
    private final Set<Long> dirty = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    private volatile boolean working;

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
        dirty.addAll(users);
    }

    /** Blocks until every user marked so far has been refreshed (end of a bounded run, and tests). */
    void drain() throws InterruptedException {
        synchronized (idle) {
            while (!dirty.isEmpty() || working) {
                idle.wait(50);
            }
        }
    }

    private void run() {
        while (true) {
            try {
                List<Long> batch = new ArrayList<>();
                working = true;
                for (Iterator<Long> it = dirty.iterator(); it.hasNext() && batch.size() < MAX_USERS_PER_ROUND; ) {
                    batch.add(it.next());
                    it.remove();
                }
                if (!batch.isEmpty()) {
                    store.refreshSpeed(batch, n);
                }
            } catch (RuntimeException e) {
                LOG.warn("refreshing recommendations failed; will retry with the next changes", e);
            } finally {
                working = false;
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
            try {
                Thread.sleep(dirty.isEmpty() ? ROUND_MS : 1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
