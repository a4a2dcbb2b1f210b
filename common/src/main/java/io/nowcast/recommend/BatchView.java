package io.nowcast.recommend;

import io.nowcast.redis.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reads the batch layer's published views. Each read pins one version first ({@code batch:current}), so
 * it never mixes versions; a version stays readable for a grace period after the next one goes live,
 * so a reader that pinned it just before a flip still finds it. Readers: serving, dashboard, tests.
 */
public final class BatchView {
    private final UnifiedJedis redis;
    private final RedisKeys keys;

    public BatchView(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The live version, or empty before the first publish. */
    public Optional<String> currentVersion() {
        return Optional.ofNullable(redis.get(keys.batchCurrent()));
    }

    /** A product's bought-together neighbours in the given version, best first; empty when it has none. */
    public List<Neighbour> neighbours(String version, String productId) {
        String json = redis.hget(keys.copurchase(version), productId);
        return json == null ? List.of() : BatchJson.neighbours(json);
    }

    /** A user's CF list in the given version, best first; empty when they have none. */
    public List<CfItem> cf(String version, long userId) {
        String json = redis.hget(keys.cf(version), Long.toString(userId));
        return json == null ? List.of() : BatchJson.cf(json);
    }

    /** What the batch layer recorded about a version (run_id, as_of, published_at, counts). */
    public Map<String, String> meta(String version) {
        return redis.hgetAll(keys.batchMeta(version));
    }

    /** Neighbours in the live version; empty before the first publish. */
    public List<Neighbour> neighbours(String productId) {
        return currentVersion().map(v -> neighbours(v, productId)).orElse(List.of());
    }
}
