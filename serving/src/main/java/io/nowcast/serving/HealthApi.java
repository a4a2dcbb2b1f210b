package io.nowcast.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.nowcast.db.Database;
import io.nowcast.redis.RedisKeys;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@code GET /health}: whether Kafka, Redis and PostgreSQL answer, and how fresh the speed layer is (wall
 * time since its last flush into Redis, and stream time). 200 when all three servers answer, else 503.
 * The speed layer's freshness is reported, not judged: a shop with no traffic has nothing to flush. The
 * answer is cached for a second so that a flood of health checks cannot become a flood of server checks.
 */
final class HealthApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long CACHE_MS = 1_000;

    private final Admin kafka;
    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Database db;
    private final int staleSeconds;
    private final Metrics metrics;
    private volatile Cached cached;

    private record Cached(long at, int status, String body) {}

    HealthApi(Admin kafka, UnifiedJedis redis, RedisKeys keys, Database db, int staleSeconds, Metrics metrics) {
        this.kafka = kafka;
        this.redis = redis;
        this.keys = keys;
        this.db = db;
        this.staleSeconds = staleSeconds;
        this.metrics = metrics;
    }

    void health(Context ctx) throws Exception {
        Cached c = cached;
        if (c == null || System.currentTimeMillis() - c.at >= CACHE_MS) {
            synchronized (this) {
                c = cached;
                if (c == null || System.currentTimeMillis() - c.at >= CACHE_MS) {
                    c = check();
                    cached = c;
                }
            }
        }
        ctx.status(c.status).contentType("application/json").result(c.body);
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }

    private Cached check() throws Exception {
        ObjectNode out = MAPPER.createObjectNode();
        boolean ok = true;
        ok &= probe(out.putObject("kafka"), () -> kafka.describeCluster().nodes().get(2, TimeUnit.SECONDS).size() + " broker(s)");
        ok &= probe(out.putObject("redis"), () -> redis.ping());
        ok &= probe(out.putObject("postgres"), () -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.setQueryTimeout(2);
                s.execute("SELECT 1");
                return "SELECT 1";
            }
        });
        ObjectNode speed = out.putObject("speed_layer");
        try {
            String applied = redis.get(keys.speedAppliedAt());
            String stream = redis.get(keys.streamTime());
            if (applied == null) {
                speed.put("status", "never_flushed");
            } else {
                long at = Long.parseLong(applied);
                double ago = Math.max(0, System.currentTimeMillis() - at) / 1000.0;
                speed.put("last_flush_at", Instant.ofEpochMilli(at).toString()).put("seconds_since_last_flush", ago)
                        .put("status", ago <= staleSeconds ? "fresh" : "stale");
            }
            speed.put("stream_time", stream == null ? null : Instant.ofEpochMilli((long) Double.parseDouble(stream)).toString());
        } catch (RuntimeException e) {
            speed.put("status", "unknown").put("error", String.valueOf(e.getMessage()));
        }
        out.put("status", ok ? "ok" : "unavailable");
        return new Cached(System.currentTimeMillis(), ok ? 200 : 503, MAPPER.writeValueAsString(out));
    }

    private interface Check {
        String run() throws Exception;
    }

    private static boolean probe(ObjectNode into, Check check) {
        long t0 = System.nanoTime();
        try {
            into.put("ok", true).put("detail", check.run());
            return true;
        } catch (Exception e) {
            into.put("ok", false).put("error", Params.clip(e.getClass().getSimpleName() + ": " + e.getMessage()));
            return false;
        } finally {
            into.put("ms", (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
