package io.nowcast.catalog;

import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Scripts;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Applies product_catalog records to Redis: {@code product:{id}} hashes and the {@code category:{c}}
 * index (products join with popularity 0; a category change moves them; a tombstone removes them).
 * Idempotent, so a replayed micro-batch changes nothing. Bad catalog JSON is counted and skipped.
 */
public final class CatalogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogWriter.class);
    private static final Scripts SCRIPT = new Scripts(CatalogWriter.class, "upsert_product.lua");

    private final UnifiedJedis redis;
    private final RedisKeys keys;

    public CatalogWriter(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Applies one record; a null value is a delete. Returns false for a record it rejected. */
    public boolean apply(String key, String value) {
        if (value == null) {
            if (key == null || key.isEmpty()) {
                return reject("a tombstone without a key");
            }
            SCRIPT.eval(redis, List.of(keys.prefix(), key, "delete"));
            return true;
        }
        ProductJson.Parsed parsed = ProductJson.parse(value);
        if (!parsed.ok()) {
            return reject(parsed.error());
        }
        if (parsed.product() == null) {
            SCRIPT.eval(redis, List.of(keys.prefix(), parsed.deletedId(), "delete"));
            return true;
        }
        Product p = parsed.product();
        List<String> args = new ArrayList<>(9);
        args.add(keys.prefix());
        args.add(p.productId());
        args.add("upsert");
        args.add(p.name());
        args.add(p.category());
        args.add(Double.toString(p.price()));
        args.add(p.description() == null ? "" : p.description());
        args.add(p.imageUrl() == null ? "" : p.imageUrl());
        args.add(Boolean.toString(p.inStock()));
        SCRIPT.eval(redis, args);
        return true;
    }

    private boolean reject(String why) {
        redis.hincrBy(keys.speedCounts(), "catalog_rejected", 1);
        LOG.warn("skipping a catalog record: {}", why);
        return false;
    }
}
