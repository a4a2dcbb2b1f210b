package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.redis.RedisKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.RedisClient;

/**
 * The speed layer's Redis path alone (bench/redis-apply): applies simulator-like flushes of one partition
 * through {@link ActivityApplier}'s two lanes, one flush at a time as a task does (trending in flushes of
 * its own size first, then the users lane), and prints the Redis server's CPU
 * per event (from /proc, so Redis must run on this machine) and the events applied per second of wall time.
 * 1,000 concurrent sessions among 10,000 users, 2,000 products in 50 categories, views skewed to a few
 * products, 70 % page views. Keys go under a prefix of their own and are deleted at the end.
 *
 * <p>Arguments: flushes, records per (users lane) flush, and optionally records per trending flush
 * (default: the same).
 */
public final class ApplyBenchmark {
    private ApplyBenchmark() {}

    public static void main(String[] args) throws Exception {
        int flushes = Integer.parseInt(args[0]);
        int perFlush = Integer.parseInt(args[1]);
        Endpoints endpoints = Endpoints.from(Env.system());
        String prefix = "bench:apply:" + ProcessHandle.current().pid() + ":";
        RedisKeys keys = new RedisKeys(prefix);
        try (RedisClient redis = RedisClient.create(endpoints.redisHost(), endpoints.redisPort())) {
            for (int p = 0; p < 2000; p++) {
                redis.hset(keys.product("p" + p), Map.of("category", "c" + (p % 50), "in_stock", "true"));
            }
            int perTrendingFlush = args.length > 2 ? Integer.parseInt(args[2]) : perFlush;
            ActivityApplier trending = new ActivityApplier(redis, keys, ActivityApplier.Settings.defaults(), ActivityApplier.Lane.TRENDING);
            ActivityApplier users = new ActivityApplier(redis, keys, ActivityApplier.Settings.defaults(), ActivityApplier.Lane.USERS);
            BenchSessions sessions = new BenchSessions(new Random(7), 200);
            BenchSessions.Products products = (user, rnd) -> "p" + (int) Math.min(1999, Math.abs(rnd.nextGaussian() * 400));
            long time = 1_790_000_000_000L;
            long cpu0 = 0;
            long wall0 = 0;
            long events = 0;
            int warmup = flushes / 5;
            for (int f = 0; f < flushes; f++) {
                if (f == warmup) {
                    cpu0 = redisCpuTicks();
                    wall0 = System.nanoTime();
                    events = 0;
                }
                List<Record> records = sessions.next(perFlush, products, time, 1);
                time += perFlush;
                for (int from = 0; from < records.size(); from += perTrendingFlush) {
                    trending.apply(0, records.subList(from, Math.min(records.size(), from + perTrendingFlush)));
                }
                users.apply(0, records);
                events += perFlush;
            }
            long ticks = redisCpuTicks() - cpu0;
            double seconds = (System.nanoTime() - wall0) / 1e9;
            System.out.printf("records_per_flush=%d records_per_trending_flush=%d events=%d redis_cpu_us_per_event=%.1f events_per_s=%.0f%n",
                    perFlush, perTrendingFlush, events, ticks * 10_000.0 / events, events / seconds);
            for (String k : redis.keys(prefix + "*")) {
                redis.unlink(k);
            }
        }
    }

    /** The Redis server's user + system CPU so far, in clock ticks (1/100 s). */
    static long redisCpuTicks() throws Exception {
        Process p = new ProcessBuilder("pgrep", "-x", "redis-server").start();
        String pid = new String(p.getInputStream().readAllBytes()).trim().split("\\s+")[0];
        if (pid.isEmpty()) {
            throw new IllegalStateException("no redis-server process on this machine: the benchmark reads its CPU from /proc");
        }
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).split(" ");
        return Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
