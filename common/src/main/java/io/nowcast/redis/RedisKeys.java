package io.nowcast.redis;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The only place a Redis key is spelled. Keys are the contract between the speed layer, the batch
 * layer, serving, the dashboard and shops' own apps, so {@code RedisKeysTest} pins every string and
 * the README's key table says the same. A configurable prefix (default empty) namespaces everything.
 */
public final class RedisKeys {
    private static final DateTimeFormatter WINDOW =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * {@code {user_id}}: STRING of JSON {@code {"user_id":..,"recommended_products":[..], "items":[..], ...}},
     * the merged list, in the original design's layout. Writers: speed layer, batch publish, serving merge.
     * Readers: apps, REST API, dashboard. TTL: 7 days from the last write.
     */
    public String recommendations(long userId) {
        return prefix + userId;
    }

    /**
     * {@code trending:{window_start}}: HASH product_id → view_count, the top 10 of the 1-hour window
     * starting at {@code windowStart} (UTC, {@code yyyy-MM-dd'T'HH:mm:ss}). Writer: speed layer.
     * Readers: apps, REST API, dashboard, merge fallback. TTL: 48 h from the last write.
     */
    public String trending(Instant windowStart) {
        return prefix + "trending:" + WINDOW.format(windowStart);
    }

    /** The window-start text used in {@link #trending}, e.g. {@code 2024-03-21T10:00:00}. */
    public static String windowText(Instant windowStart) {
        return WINDOW.format(windowStart);
    }

    /**
     * {@code product:{product_id}}: HASH of the catalog fields (name, category, price, description,
     * image_url, in_stock). Writer: speed layer's catalog query. Readers: merge, REST API, dashboard.
     * Permanent; deleted on a tombstone.
     */
    public String product(String productId) {
        return prefix + "product:" + productId;
    }

    /**
     * {@code interest:{user_id}}: HASH category → page views in the trailing 24 h of stream time.
     * Writer: speed layer. Readers: speed recommendations, dashboard. TTL: 25 h from the last write.
     */
    public String interest(long userId) {
        return prefix + "interest:" + userId;
    }

    /**
     * {@code viewed:{user_id}}: ZSET product_id → newest view time (epoch ms) in the trailing 24 h.
     * Writer: speed layer. Readers: speed recommendations, dashboard. TTL: 25 h from the last write.
     */
    public String viewed(long userId) {
        return prefix + "viewed:" + userId;
    }

    /**
     * {@code bought:{user_id}}: ZSET product_id → newest purchase time (epoch ms) within the look-back.
     * Writer: speed layer. Readers: merge exclusions, dashboard. TTL: the look-back from the last write.
     */
    public String bought(long userId) {
        return prefix + "bought:" + userId;
    }

    /**
     * {@code category:{category}}: ZSET product_id → page views by all users over the trailing 24 h,
     * for in-stock products of that category. Writer: speed layer. Readers: speed recommendations, dashboard.
     * Permanent (members leave when their product leaves the category).
     */
    public String category(String category) {
        return prefix + "category:" + category;
    }
}
