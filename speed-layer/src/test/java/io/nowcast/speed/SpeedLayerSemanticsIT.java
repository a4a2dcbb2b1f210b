package io.nowcast.speed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import io.nowcast.events.EventType;
import io.nowcast.redis.RedisKeys;
import io.nowcast.spark.Spark;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Semantics through the real broker, over two runs of the job on one checkpoint: the trending top 10
 * breaks ties by product id, a view stops counting 24 h later (rounded up to the bucket) though its
 * user does nothing, and after a category change the product's later views count toward the new category.
 */
class SpeedLayerSemanticsIT {
    @TempDir
    Path data;

    private static String view(long user, String product, String at) {
        return EventJson.write(new Event(EventType.PAGE_VIEW, user, product, null, Instant.parse(at), null, null, null, null, null, null));
    }

    private static void product(SpeedFixture fx, String id, String category) {
        fx.send(Topics.PRODUCT_CATALOG, id, "{\"product_id\":\"" + id + "\",\"name\":\"" + id + "\",\"category\":\"" + category
                + "\",\"price\":5,\"in_stock\":true}");
    }

    private static void run(SparkSession spark, SpeedConfig config) throws Exception {
        SpeedQueries.awaitBounded(config, SpeedQueries.start(spark, config));
    }

    @Test
    void tiesExpiryAndCategoryChangesThroughTheBroker() throws Exception {
        try (SpeedFixture fx = new SpeedFixture("semantics", data);
             RedisClient redis = RedisClient.create(TestServers.endpoints().redisHost(), TestServers.endpoints().redisPort())) {
            RedisKeys keys = new RedisKeys(fx.prefix);
            for (int i = 1; i <= 12; i++) {
                product(fx, String.format("sem_t%02d", i), "sem_a/x");
            }
            product(fx, "sem_zc1", "sem_b/y");
            // sem_t12 and sem_t11 get three views each, the other ten one each: eight places for ten tied products
            // (eleven, with sem_zc1 below, which sorts last).
            int user = 100;
            for (int i = 1; i <= 12; i++) {
                int views = i >= 11 ? 3 : 1;
                for (int v = 0; v < views; v++) {
                    fx.send(Topics.USER_ACTIVITY, String.valueOf(user), view(user++, String.format("sem_t%02d", i), "2024-07-29T10:0" + v + ":00Z"));
                }
            }
            fx.send(Topics.USER_ACTIVITY, "50", view(50, "sem_zc1", "2024-07-29T10:00:00Z"));

            SparkSession spark = Spark.session("semantics-it", "local[2]", 2);
            try {
                run(spark, fx.config(SpeedConfig.AVAILABLE_NOW));
                Map<String, String> top = new LinkedHashMap<>();
                top.put("sem_t11", "3");
                top.put("sem_t12", "3");
                for (int i = 1; i <= 8; i++) {
                    top.put(String.format("sem_t%02d", i), "1");
                }
                assertEquals(top, redis.hgetAll(keys.trending(Instant.parse("2024-07-29T10:00:00Z"))));
                assertEquals(Map.of("sem_b/y", "1"), redis.hgetAll(keys.interest(50)));

                // The catalog moves sem_zc1; user 50 views it again an hour later.
                product(fx, "sem_zc1", "sem_c/z");
                fx.send(Topics.PRODUCT_CATALOG, "sem_t12", null);
                fx.send(Topics.USER_ACTIVITY, "50", view(50, "sem_zc1", "2024-07-29T11:00:00Z"));
                run(spark, fx.config(SpeedConfig.AVAILABLE_NOW));
                // A day after the first view, someone else's views move stream time on. Each goes in a run
                // of its own: partitions apply in parallel, and a view applied after a newer one of another
                // partition would be late.
                fx.send(Topics.USER_ACTIVITY, "51", view(51, "sem_t01", "2024-07-30T09:59:59Z"));
                run(spark, fx.config(SpeedConfig.AVAILABLE_NOW));
                assertEquals(Map.of("sem_b/y", "1", "sem_c/z", "1"), redis.hgetAll(keys.interest(50)),
                        "one second before 24 h, the first view still counts");

                fx.send(Topics.USER_ACTIVITY, "51", view(51, "sem_t01", "2024-07-30T10:00:00Z"));
                run(spark, fx.config(SpeedConfig.AVAILABLE_NOW));
            } finally {
                spark.stop();
            }
            assertEquals(Map.of("sem_c/z", "1"), redis.hgetAll(keys.interest(50)),
                    "at 24 h the first view stops counting, though user 50 did nothing; the later view counts toward the new category");
            assertEquals((double) Instant.parse("2024-07-30T10:00:00Z").toEpochMilli(), redis.zscore(keys.viewed(51), "sem_t01"),
                    "a viewed product's score is its newest view rounded up to the 5-minute bucket (09:59:59 and 10:00 share one)");
            assertEquals((double) Instant.parse("2024-07-29T11:00:00Z").toEpochMilli(), redis.zscore(keys.viewed(50), "sem_zc1"));
            assertNull(redis.zscore(keys.category("sem_b/y"), "sem_zc1"), "the product left its old category's index");
            assertEquals(1.0, redis.zscore(keys.category("sem_c/z"), "sem_zc1"));
            assertFalse(redis.exists(keys.product("sem_t12")), "a tombstone deletes the product");
            assertNull(redis.zscore(keys.category("sem_a/x"), "sem_t12"), "and takes it out of its category");
            assertFalse(redis.sismember(keys.products(), "sem_t12"), "and out of the catalog's product set");
            assertTrue(redis.sismember(keys.products(), "sem_zc1"));
            assertTrue(redis.get(keys.recommendations(50)).contains("\"user_id\":50"));
            redis.keys(fx.prefix + "*").forEach(redis::del);
        }
    }
}
