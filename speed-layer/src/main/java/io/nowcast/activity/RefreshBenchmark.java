package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.redis.RedisKeys;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.RedisClient;

/**
 * The refresher's cost per user alone (bench/refresher): fills Redis through {@link ActivityApplier} with
 * activity shaped like the shop simulator's: 1,000 concurrent sessions of about 12 events among 10,000 users,
 * 1,000 products in 50 categories, each user with one to three favourite categories that get 80 % of their
 * views (the rest go to the shop's popular products), 70 % page views. Then it queues the users of the
 * open sessions in the re-merge queue again and again (about that many users are always waiting at 20 K
 * events/s) and works the queue off with the refresher's own rounds ({@link RecommendationRefresher#round}:
 * claim, merge, write, let go; catalog facts kept between rounds), and prints this thread's CPU, the wall
 * time and the Redis server's CPU per user merged (from /proc, so Redis must run on this machine). Queueing
 * is not timed. The first rounds warm the JIT up and are not counted. Keys go under a prefix of their own
 * and are deleted at the end.
 *
 * <p>Arguments: events to apply first, rounds to count, warm-up rounds.
 */
public final class RefreshBenchmark {
    private static final int PRODUCTS = 1000;
    private static final int CATEGORIES = 50;

    private RefreshBenchmark() {}

    /** A product this user views: in one of their favourite categories 80 % of the time, else a popular one. */
    static int product(long user, Random rnd) {
        if (rnd.nextInt(10) < 8) {
            Random mine = new Random(user);
            int favourites = 1 + mine.nextInt(3);
            int category = mine.ints(favourites, 0, CATEGORIES).toArray()[rnd.nextInt(favourites)];
            return category + CATEGORIES * (int) Math.min(PRODUCTS / CATEGORIES - 1, Math.abs(rnd.nextGaussian() * 5));
        }
        return (int) Math.min(PRODUCTS - 1, Math.abs(rnd.nextGaussian() * 150));
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        Endpoints endpoints = Endpoints.from(Env.system());
        String prefix = "bench:refresh:" + ProcessHandle.current().pid() + ":";
        RedisKeys keys = new RedisKeys(prefix);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (RedisClient redis = RedisClient.create(endpoints.redisHost(), endpoints.redisPort())) {
            try {
                for (int p = 0; p < PRODUCTS; p++) {
                    redis.hset(keys.product("p" + p), Map.of("category", "c" + (p % CATEGORIES), "in_stock", p % 10 == 9 ? "false" : "true"));
                }
                ActivityApplier trending = new ActivityApplier(redis, keys, ActivityApplier.Settings.defaults(), ActivityApplier.Lane.TRENDING);
                ActivityApplier users = new ActivityApplier(redis, keys, ActivityApplier.Settings.defaults(), ActivityApplier.Lane.USERS);
                BenchSessions sessions = new BenchSessions(new Random(7), 12);
                long time = 1_790_000_000_000L;
                int perFlush = 2000;
                for (int applied = 0; applied < events; applied += perFlush) {
                    // 200 events a second of stream time: 24 h of history is never reached.
                    List<Record> records = sessions.next(perFlush, (user, rnd) -> "p" + product(user, rnd), time, 5);
                    time += 5L * perFlush;
                    trending.apply(0, records);
                    users.apply(0, records);
                }
                List<Long> round = sessions.openUsers();
                Map<String, Double> queued = new java.util.HashMap<>();
                round.forEach(u -> queued.put(Long.toString(u), 0.0));
                RecommendationRefresher refresher = new RecommendationRefresher(redis, keys, 20);
                long cpu = 0;
                long user = 0;
                long wall = 0;
                long redisTicks = 0;
                long merged = 0;
                for (int r = 0; r < warmup + rounds; r++) {
                    redis.zadd(keys.recommendationsDirty(), queued); // as the flushes queue them
                    long t0 = System.nanoTime();
                    long c0 = threads.getCurrentThreadCpuTime();
                    long u0 = threads.getCurrentThreadUserTime();
                    long r0 = ApplyBenchmark.redisCpuTicks();
                    while (refresher.round() > 0) {
                        // the refresher's own rounds, back to back: claim, merge, write, let go
                    }
                    if (r >= warmup) {
                        redisTicks += ApplyBenchmark.redisCpuTicks() - r0;
                        cpu += threads.getCurrentThreadCpuTime() - c0;
                        user += threads.getCurrentThreadUserTime() - u0;
                        wall += System.nanoTime() - t0;
                        merged += round.size();
                    }
                }
                System.out.printf("users_per_round=%d chunk=%d rounds=%d cpu_us_per_user=%.1f user_cpu_us_per_user=%.1f wall_us_per_user=%.1f redis_cpu_us_per_user=%.1f%n",
                        round.size(), Math.min(RecommendationRefresher.CHUNK, round.size()), rounds, cpu / 1e3 / merged, user / 1e3 / merged, wall / 1e3 / merged, redisTicks * 10_000.0 / merged);
            } finally {
                for (String k : redis.keys(prefix + "*")) {
                    redis.unlink(k);
                }
            }
        }
    }
}
