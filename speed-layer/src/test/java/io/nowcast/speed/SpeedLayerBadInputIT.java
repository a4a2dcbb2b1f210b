package io.nowcast.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.catalog.ProductJson;
import io.nowcast.redis.RedisKeys;
import io.nowcast.simulator.BadKind;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Bad input never disturbs good data: a stream mixing good events with every kind of bad one leaves
 * the same Redis state as the good events alone, and the dead-letter counts equal what was injected.
 */
class SpeedLayerBadInputIT {
    @TempDir
    Path tmp;

    @Test
    void badEventsAreCountedPerReasonAndGoodResultsEqualThoseOfTheCleanStream() throws Exception {
        Shop shop = Shop.generate(ShopSpec.of(777, 100, 300));
        long[] tick = {0};
        long start = Instant.parse("2024-07-28T12:00:00Z").toEpochMilli();
        ShopSimulator sim = new ShopSimulator(shop, () -> start + tick[0] * 50, 0.1);
        List<ShopSimulator.Record> mixed = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            mixed.add(sim.next());
            tick[0]++;
        }
        Map<String, String> injected = new TreeMap<>();
        mixed.stream().filter(r -> r.bad() != null)
                .forEach(r -> injected.merge(r.bad().expectedReason().code(), "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1)));
        assertEquals(BadKind.values().length, injected.size(), "every kind of bad event is in the stream: " + injected);

        try (RedisClient redis = RedisClient.create(TestServers.endpoints().redisHost(), TestServers.endpoints().redisPort());
             SpeedFixture dirty = new SpeedFixture("mixed", Files.createDirectories(tmp.resolve("mixed")))) {
            shop.products().forEach(p -> dirty.send(Topics.PRODUCT_CATALOG, p.productId(), ProductJson.write(p)));
            mixed.forEach(r -> dirty.send(Topics.USER_ACTIVITY, r.key(), r.value()));
            SpeedFixture clean;
            SparkSession spark = Spark.session("bad-input-it", "local[2]", 2);
            try {
                run(spark, dirty.config(SpeedConfig.AVAILABLE_NOW));
                // Then the good events alone, after the mixed stream: the clean run reads only them.
                clean = new SpeedFixture("clean", Files.createDirectories(tmp.resolve("clean")));
                mixed.stream().filter(r -> r.bad() == null).forEach(r -> clean.send(Topics.USER_ACTIVITY, r.key(), r.value()));
                clean.close();
                run(spark, clean.config(SpeedConfig.AVAILABLE_NOW));
            } finally {
                spark.stop();
            }

            assertEquals(injected, redis.hgetAll(new RedisKeys(dirty.prefix).dlqCounts()));
            // The watermarks of both lanes differ (the dirty run read more records), and so do the DLQ counts, checked above.
            Set<String> bookkeeping = new java.util.HashSet<>(List.of(new RedisKeys("").activityOffsets(64)));
            for (int p = 0; p < 64; p++) {
                bookkeeping.add(new RedisKeys("").trendingOffset(p));
            }
            bookkeeping.add(new RedisKeys("").dlqCounts());
            Map<String, String> got = RedisState.dump(redis, dirty.prefix, bookkeeping);
            Map<String, String> want = RedisState.dump(redis, clean.prefix, bookkeeping);
            assertTrue(want.size() > 100, "the clean run holds a real state: " + want.size() + " keys");
            assertEquals(want.keySet(), got.keySet());
            List<String> differing = new ArrayList<>();
            want.forEach((k, v) -> {
                if (!v.equals(got.get(k))) {
                    differing.add(k);
                }
            });
            assertEquals(List.of(), differing, "keys that the bad events changed");
            redis.keys(dirty.prefix + "*").forEach(redis::del);
            redis.keys(clean.prefix + "*").forEach(redis::del);
        }
    }

    private static void run(SparkSession spark, SpeedConfig config) throws Exception {
        SpeedQueries.awaitBounded(config, SpeedQueries.start(spark, config));
    }
}
