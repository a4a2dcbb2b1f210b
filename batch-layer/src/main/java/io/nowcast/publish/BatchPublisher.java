package io.nowcast.publish;

import io.nowcast.redis.RedisKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

/**
 * Publishes a batch version atomically: the run writes a new version's keys where no reader looks,
 * then one Lua call flips {@code batch:current} to it and gives the previous version a grace period
 * before Redis deletes it. A version is registered in {@code batch:pending} before its first key is
 * written, and its keys expire in two days unless the flip makes them permanent, so a run that dies
 * mid-write leaves nothing behind for long; the next run deletes such leftovers at once.
 */
public final class BatchPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(BatchPublisher.class);
    /** Unpublished keys vanish by themselves after this, even if no run comes to clean them. */
    public static final int PENDING_TTL_SECONDS = 2 * 86_400;
    /** Versions listed in batch:versions, newest first. */
    static final int VERSIONS_KEPT = 50;
    public static final int CHUNK = 1_000;

    // KEYS: current, versions, pending, new copurchase, new cf, new meta, old copurchase, old cf, old meta
    // ARGV: new version, expected old version ('' for none), now ms, grace seconds, versions kept
    private static final String FLIP = """
            local old = redis.call('GET', KEYS[1]) or ''
            if old ~= ARGV[2] then
              return redis.error_reply('batch:current is ' .. old .. ', expected ' .. ARGV[2] .. ': another publisher ran')
            end
            if redis.call('EXISTS', KEYS[4]) == 0 then
              return redis.error_reply('version ' .. ARGV[1] .. ' has no co-purchase view: refusing to publish an empty view')
            end
            redis.call('PERSIST', KEYS[4])
            redis.call('PERSIST', KEYS[5])
            redis.call('PERSIST', KEYS[6])
            redis.call('HSET', KEYS[6], 'published_at', ARGV[3])
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SREM', KEYS[3], ARGV[1])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
            redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -1 - tonumber(ARGV[5]))
            if old ~= '' then
              redis.call('EXPIRE', KEYS[7], ARGV[4])
              redis.call('EXPIRE', KEYS[8], ARGV[4])
              redis.call('EXPIRE', KEYS[9], ARGV[4])
            end
            return old
            """;

    private final RedisClient redis;
    private final RedisKeys keys;

    public BatchPublisher(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The live version, or "" before the first publish. */
    public String current() {
        String v = redis.get(keys.batchCurrent());
        return v == null ? "" : v;
    }

    /**
     * Deletes what earlier runs wrote and never published. Call it holding the run lock.
     * @return the versions removed
     */
    public List<String> removeAbandoned() {
        String live = current();
        List<String> removed = new ArrayList<>();
        Set<String> pending = redis.smembers(keys.batchPending());
        for (String v : pending) {
            if (!v.equals(live)) {
                redis.unlink(keys.copurchase(v), keys.cf(v), keys.batchMeta(v));
                removed.add(v);
            }
            redis.srem(keys.batchPending(), v);
        }
        if (!removed.isEmpty()) {
            LOG.info("removed the keys of unpublished versions {}", removed);
        }
        return removed;
    }

    /** Registers a version about to be written. */
    public void begin(String version, Map<String, String> meta) {
        redis.sadd(keys.batchPending(), version);
        redis.hset(keys.batchMeta(version), meta);
        redis.expire(keys.batchMeta(version), PENDING_TTL_SECONDS);
    }

    /** Adds a field to a version's meta hash before it goes live. */
    public void meta(String version, String field, String value) {
        redis.hset(keys.batchMeta(version), field, value);
    }

    /** Writes one chunk of a version's hash (copurchase or cf), with the pending TTL. */
    public static void writeChunk(AbstractPipeline p, String hashKey, Map<String, String> fields) {
        if (!fields.isEmpty()) {
            p.hset(hashKey, fields);
            p.expire(hashKey, PENDING_TTL_SECONDS);
        }
    }

    /** Writes a version's co-purchase view from the driver, in pipelined chunks; {@code afterHalf} runs once half is written (the crash hook). */
    public void writeCopurchase(String version, Map<String, String> neighboursByProduct, Runnable afterHalf) {
        String key = keys.copurchase(version);
        // Small views still get written in several chunks, so the crash hook really falls mid-write.
        int chunkSize = Math.max(1, Math.min(CHUNK, neighboursByProduct.size() / 4));
        Map<String, String> chunk = new HashMap<>();
        int written = 0;
        boolean halfDone = false;
        try (AbstractPipeline p = redis.pipelined()) {
            for (Map.Entry<String, String> e : neighboursByProduct.entrySet()) {
                chunk.put(e.getKey(), e.getValue());
                if (chunk.size() == chunkSize) {
                    writeChunk(p, key, chunk);
                    written += chunk.size();
                    chunk = new HashMap<>();
                    if (!halfDone && written * 2 >= neighboursByProduct.size()) {
                        p.sync();
                        halfDone = true;
                        afterHalf.run();
                    }
                }
            }
            writeChunk(p, key, chunk);
            p.sync();
        }
        if (!halfDone) {
            afterHalf.run();
        }
    }

    /** Makes {@code version} live; the previous one stays readable for {@code graceSeconds}. Returns the previous version or "". */
    public String flip(String version, String expectedOld, int graceSeconds) {
        String o = expectedOld.isEmpty() ? "none" : expectedOld;
        Object previous = redis.eval(FLIP,
                List.of(keys.batchCurrent(), keys.batchVersions(), keys.batchPending(),
                        keys.copurchase(version), keys.cf(version), keys.batchMeta(version),
                        keys.copurchase(o), keys.cf(o), keys.batchMeta(o)),
                List.of(version, expectedOld, Long.toString(System.currentTimeMillis()), Integer.toString(graceSeconds),
                        Integer.toString(VERSIONS_KEPT)));
        return previous == null ? "" : previous.toString();
    }
}
