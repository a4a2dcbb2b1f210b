package io.nowcast.speed;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.RedisClient;

/** Redis state under a prefix as comparable text, so two runs can be compared key for key. */
final class RedisState {
    private static final io.nowcast.redis.RedisKeys NAMES = new io.nowcast.redis.RedisKeys("");
    private static final String WALL_CLOCK = NAMES.speedAppliedAt();
    private static final String KEY_INDEX = NAMES.recommendedUsers();
    private static final String CATALOG_REMERGED = NAMES.catalogRemerged();
    private static final String PROGRESS = NAMES.speedProgress();

    private RedisState() {}

    /**
     * Key (without prefix) → canonical value, leaving out per-user recommendation keys: they are derived
     * when each user's refresh ran, from whatever the other partition had applied by then, and the
     * end-to-end test checks them; so is their index ({@code recommendations:users}: who has a key and
     * when it was written; a user whose refresh a crash cut short gets the key at their next event), and
     * the catalog version the background re-merge has reached, and the queries' progress reports. The
     * time of the last flush ({@code speed:applied_at}) is wall clock. {@code except} names further keys
     * to leave out.
     */
    static Map<String, String> dump(RedisClient redis, String prefix, Set<String> except) {
        Map<String, String> out = new TreeMap<>();
        for (String key : redis.keys(prefix + "*")) {
            String name = key.substring(prefix.length());
            if (name.matches("\\d+") || except.contains(name) || name.equals(WALL_CLOCK) || name.equals(KEY_INDEX)
                    || name.equals(CATALOG_REMERGED) || name.equals(PROGRESS)) {
                continue;
            }
            String value = switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> new TreeMap<>(redis.hgetAll(key)).toString();
                case "zset" -> redis.zrangeWithScores(key, 0, -1).toString();
                case "set" -> new TreeSet<>(redis.smembers(key)).toString();
                default -> redis.type(key);
            };
            out.put(name, value);
        }
        return out;
    }

    static Map<String, String> dump(RedisClient redis, String prefix) {
        return dump(redis, prefix, Set.of());
    }
}
