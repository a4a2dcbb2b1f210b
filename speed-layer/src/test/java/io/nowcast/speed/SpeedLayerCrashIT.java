package io.nowcast.speed;

import io.nowcast.testing.JobProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.catalog.ProductJson;
import io.nowcast.events.EventType;
import io.nowcast.simulator.Shop;
import io.nowcast.simulator.ShopSimulator;
import io.nowcast.simulator.ShopSpec;
import io.nowcast.spark.Spark;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Exactly once under kill -9: the job is killed five times while events flow, at varied points, one
 * of them right after a Redis write and before Spark commits the batch; after a final catch-up the
 * Redis state equals, key for key, a reference run over the same events that never crashed.
 */
class SpeedLayerCrashIT {
    private static final int EVENTS = 30_000;
    private static final long SEED = 4242;

    @TempDir
    Path tmp;

    @Test
    void killsAndRestartsLeaveRedisAsIfNothingHappened() throws Exception {
        Path crashedData = Files.createDirectories(tmp.resolve("crashed"));
        Path referenceData = Files.createDirectories(tmp.resolve("reference"));
        Path log = tmp.resolve("job.log");
        try (SpeedFixture crashed = new SpeedFixture("crash", crashedData);
             RedisClient redis = RedisClient.create(TestServers.endpoints().redisHost(), TestServers.endpoints().redisPort())) {
            Shop shop = Shop.generate(ShopSpec.of(SEED, 200, 800));
            shop.products().forEach(p -> crashed.send(Topics.PRODUCT_CATALOG, p.productId(), ProductJson.write(p)));
            List<ShopSimulator.Record> events = events(shop);
            // The catalog is in Redis before traffic starts, as in a shop; otherwise the first views race it.
            assertEquals(0, JobProcess.start(SpeedLayerJob.class, crashed.env(SpeedConfig.AVAILABLE_NOW), log).waitFor(300), "catalog load; log " + log);

            Thread producer = new Thread(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < events.size(); i++) {
                    crashed.send(Topics.USER_ACTIVITY, events.get(i).key(), events.get(i).value());
                    // About 400 events/s: 30,000 events take 75 s, so they keep flowing across all the kills below
                    // (the crash hooks count Redis applies, which need records arriving; at 1,500 events/s the
                    // stream could run dry before the 25th apply on a slow machine).
                    long due = start + i * 2_500_000L;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
            }, "crash-test-producer");
            producer.start();

            Map<String, String> env = crashed.env(SpeedConfig.MICROBATCH);
            List<String> kills = new ArrayList<>();
            kills.add(runAndKill(env, log, 7));
            kills.add(runUntilCrashHook(env, log, 3));
            kills.add(runAndKill(env, log, 10));
            kills.add(runUntilCrashHook(env, log, 25));
            kills.add(runAndKill(env, log, 2));
            producer.join();

            Map<String, String> finalRun = new HashMap<>(crashed.env(SpeedConfig.AVAILABLE_NOW));
            assertEquals(0, JobProcess.start(SpeedLayerJob.class, finalRun, log).waitFor(300), "catch-up run; log " + log);

            SpeedFixture reference = new SpeedFixture("reference", referenceData);
            Map<String, String> refEnv = reference.env(SpeedConfig.AVAILABLE_NOW);
            refEnv.put("NOWCAST_SPEED_STARTING_OFFSETS", crashed.startingOffsets);
            assertEquals(0, JobProcess.start(SpeedLayerJob.class, refEnv, log).waitFor(300), "reference run; log " + log);
            reference.close();

            Map<String, String> got = RedisState.dump(redis, crashed.prefix);
            Map<String, String> want = RedisState.dump(redis, reference.prefix);
            assertTrue(want.size() > 1000, "the reference holds a real state: " + want.size() + " keys");
            assertEquals(want.keySet(), got.keySet(), "same keys after " + kills);
            List<String> differing = new ArrayList<>();
            want.forEach((k, v) -> {
                if (!v.equals(got.get(k))) {
                    differing.add(k);
                }
            });
            assertEquals(List.of(), differing, "keys whose values differ after " + kills);

            // Per-user keys are left out of the comparison above (each is merged whenever its refresh ran), but
            // none may be left behind: every user whose inputs an event changed has a key merged after it.
            io.nowcast.redis.RedisKeys keys = new io.nowcast.redis.RedisKeys(crashed.prefix);
            Map<Long, Instant> newest = newestInputEventPerUser(events);
            List<String> behind = new ArrayList<>();
            newest.forEach((user, at) -> {
                String json = redis.get(keys.recommendations(user));
                Instant merged = json == null ? null : streamTimeOf(json);
                if (merged == null || merged.isBefore(at)) {
                    behind.add(user + " (event " + at + ", key " + merged + ")");
                }
            });
            assertTrue(newest.size() > 100, "users with input events: " + newest.size());
            assertEquals(List.of(), behind, "users whose key predates their last event, after " + kills);
            assertEquals(0, redis.zcard(keys.recommendationsDirty()) + redis.zcard(keys.recommendationsRefreshing()),
                    "no re-merge left queued");

            long valid = events.stream().filter(r -> r.bad() == null).count();
            SparkSession spark = Spark.session("crash-it", "local[2]", 2);
            try {
                var master = spark.read().parquet(crashed.config(SpeedConfig.AVAILABLE_NOW).masterDataset().toString())
                        .filter("event_id LIKE 'e" + SEED + "-%'");
                assertEquals(valid, master.count(), "every valid event in the master dataset");
                assertEquals(valid, master.select("event_id").distinct().count(), "and each once");
            } finally {
                spark.stop();
            }
            redis.keys(crashed.prefix + "*").forEach(redis::del);
            redis.keys(reference.prefix + "*").forEach(redis::del);
        }
    }

    /** User → the time of their newest valid page view, cart addition or purchase: the events that change recommendation inputs. */
    private static Map<Long, Instant> newestInputEventPerUser(List<ShopSimulator.Record> events) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<Long, Instant> out = new HashMap<>();
        for (ShopSimulator.Record r : events) {
            if (r.bad() != null || !(r.type() == EventType.PAGE_VIEW || r.type() == EventType.ADD_TO_CART || r.type() == EventType.PURCHASE)) {
                continue;
            }
            com.fasterxml.jackson.databind.JsonNode e = json.readTree(r.value());
            out.merge(e.get("user_id").asLong(), Instant.parse(e.get("timestamp").asText()), (a, b) -> a.isAfter(b) ? a : b);
        }
        return out;
    }

    private static Instant streamTimeOf(String key) {
        try {
            String t = new com.fasterxml.jackson.databind.ObjectMapper().readTree(key).get("stream_time").asText(null);
            return t == null ? null : Instant.parse(t);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(key, e);
        }
    }

    private static List<ShopSimulator.Record> events(Shop shop) {
        long[] tick = {0};
        long start = Instant.parse("2024-07-27T10:50:00Z").toEpochMilli();
        // 50 events per simulated second: 30,000 events span 10 minutes, across an hour boundary, none late.
        ShopSimulator sim = new ShopSimulator(shop, () -> start + tick[0] * 20, 0.02);
        List<ShopSimulator.Record> out = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            out.add(sim.next());
            tick[0]++;
        }
        return out;
    }

    private static String runAndKill(Map<String, String> env, Path log, int seconds) throws InterruptedException {
        JobProcess job = JobProcess.start(SpeedLayerJob.class, env, log);
        Thread.sleep(seconds * 1000L);
        boolean wasAlive = job.alive();
        job.kill();
        return "kill -9 after " + seconds + " s" + (wasAlive ? "" : " (it had already exited: see " + log + ")");
    }

    private static String runUntilCrashHook(Map<String, String> env, Path log, int applies) throws InterruptedException {
        Map<String, String> e = new HashMap<>(env);
        e.put("NOWCAST_CRASH_AFTER_APPLY", String.valueOf(applies));
        JobProcess job = JobProcess.start(SpeedLayerJob.class, e, log);
        int rc = job.waitFor(90);
        job.kill();
        assertEquals(137, rc, "the job halts right after its Redis apply number " + applies + "; log " + log);
        return "halt after Redis apply #" + applies + ", before the checkpoint commit";
    }
}
