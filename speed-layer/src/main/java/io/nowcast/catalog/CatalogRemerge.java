package io.nowcast.catalog;

import io.nowcast.recommend.RecommendationStore;
import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Connections;
import io.nowcast.speed.SpeedConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Takes deleted, out-of-stock and re-categorised products out of the lists they are in: when the
 * catalog writer has raised {@code catalog:version} past {@code catalog:remerged}, every user with a
 * key is re-merged in the background (pipelined), and {@code catalog:remerged} records the version
 * done. Checked after each catalog micro-batch and once at start, so a crash between a change and its
 * re-merge only delays it. Requests while one waits to start ride on it; a burst of changes costs one
 * or two passes, not one per change.
 */
public final class CatalogRemerge {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRemerge.class);
    private static final Map<String, CatalogRemerge> BY_STORE = new ConcurrentHashMap<>();

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final RecommendationStore store;
    private final int n;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nowcast-catalog-remerge");
        t.setDaemon(true);
        return t;
    });

    private CatalogRemerge(UnifiedJedis redis, RedisKeys keys, int n) {
        this.redis = redis;
        this.keys = keys;
        this.store = new RecommendationStore(redis, keys);
        this.n = n;
    }

    /** The re-merger of one Redis and key prefix in this (driver) JVM. */
    public static CatalogRemerge of(SpeedConfig c) {
        return BY_STORE.computeIfAbsent(c.redisHost() + ":" + c.redisPort() + "/" + c.redisPrefix(),
                k -> new CatalogRemerge(Connections.redis(c), new RedisKeys(c.redisPrefix()), c.recommendations()));
    }

    /** Re-merges in the background if the catalog moved past the last re-merge. */
    public void check() {
        if (queued.compareAndSet(false, true)) {
            worker.submit(this::run);
        }
    }

    private void run() {
        queued.set(false);
        try {
            long version = number(redis.get(keys.catalogVersion()));
            if (version <= number(redis.get(keys.catalogRemerged()))) {
                return;
            }
            long t0 = System.nanoTime();
            int users = store.refreshEveryone(n, null);
            redis.set(keys.catalogRemerged(), Long.toString(version));
            LOG.info("nowcast: catalog version {}: re-merged {} users in {} ms", version, users, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warn("re-merging after a catalog change failed; the next catalog batch or restart tries again", e);
        }
    }

    private static long number(String s) {
        return s == null ? 0 : Long.parseLong(s);
    }
}
