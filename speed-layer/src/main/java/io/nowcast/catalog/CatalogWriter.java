package io.nowcast.catalog;

import io.nowcast.redis.RedisKeys;
import io.nowcast.speed.Scripts;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Applies product_catalog records to Redis: {@code product:{id}} hashes and the {@code category:{c}}
 * index (products join with popularity 0; a category change moves them; a tombstone removes them).
 * Idempotent, so a replayed micro-batch changes nothing. Bad catalog JSON is counted and skipped.
 *
 * <p>Records are queued and sent in Kafka order, one script call per record, pipelined in chunks of
 * {@link #CHUNK}: one round trip per chunk instead of per record. Call {@link #flush()} after the last record.
 */
public final class CatalogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogWriter.class);
    private static final Scripts SCRIPT = new Scripts(CatalogWriter.class, "upsert_product.lua");
    /** Records per pipelined round trip. */
    static final int CHUNK = 512;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final List<List<String>> pending = new ArrayList<>(CHUNK);

    public CatalogWriter(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Queues one record; a null value is a delete. Returns false for a record it rejected. */
    public boolean apply(String key, String value) {
        if (value == null) {
            if (key == null || key.isEmpty()) {
                return reject("a tombstone without a key");
            }
            queue(List.of(keys.prefix(), key, "delete"));
            return true;
        }
        ProductJson.Parsed parsed = ProductJson.parse(value);
        if (!parsed.ok()) {
            return reject(parsed.error());
        }
        if (parsed.product() == null) {
            queue(List.of(keys.prefix(), parsed.deletedId(), "delete"));
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
        queue(args);
        return true;
    }

    private void queue(List<String> args) {
        pending.add(args);
        if (pending.size() >= CHUNK) {
            flush();
        }
    }

    /**
     * Sends what is queued, in order, and waits for Redis to have applied all of it; a Redis error
     * fails the call (and so the micro-batch, which Spark then replays: the writes are idempotent).
     */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        try {
            send(SCRIPT.sha(redis));
        } catch (JedisNoScriptException e) {
            // Redis lost the script (restart, SCRIPT FLUSH): resend the whole chunk in order, which
            // leaves the same state whichever of its calls had already run.
            send(SCRIPT.reload(redis));
        }
        pending.clear();
    }

    private void send(String sha) {
        List<Response<Object>> replies = new ArrayList<>(pending.size());
        try (AbstractPipeline p = redis.pipelined()) {
            for (List<String> args : pending) {
                replies.add(p.evalsha(sha, List.of(), args));
            }
            p.sync();
        }
        for (Response<Object> r : replies) {
            r.get();
        }
    }

    private boolean reject(String why) {
        redis.hincrBy(keys.speedCounts(), "catalog_rejected", 1);
        LOG.warn("skipping a catalog record: {}", why);
        return false;
    }
}
