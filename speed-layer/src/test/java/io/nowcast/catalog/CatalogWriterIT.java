package io.nowcast.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The speed layer's catalog writes, pipelined in chunks, against a real Redis. */
class CatalogWriterIT {
    private RedisClient redis;
    private RedisKeys keys;
    private CatalogWriter writer;

    @BeforeEach
    void connect() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("catalogwriter"));
        writer = new CatalogWriter(redis, keys);
    }

    @AfterEach
    void cleanUp() {
        if (redis != null) {
            redis.keys(keys.prefix() + "*").forEach(redis::del);
            redis.close();
        }
    }

    private static Product product(int i, String category, boolean inStock) {
        return new Product("p" + i, "Product " + i, category, i / 10.0, null, null, inStock);
    }

    @Test
    void recordsApplyInTheirOrderAcrossChunksAndMatchAReplayOneByOne() {
        // Random upserts, category moves and deletes over 300 ids: the same id recurs within a chunk
        // and across chunk boundaries, so any reordering would show in the final state.
        Random random = new Random(7);
        Map<String, Product> expected = new TreeMap<>();
        int records = CatalogWriter.CHUNK * 4 + 37;
        for (int n = 0; n < records; n++) {
            int i = random.nextInt(300);
            if (random.nextInt(4) == 0) {
                assertTrue(writer.apply("p" + i, null));
                expected.remove("p" + i);
            } else {
                Product p = product(i, "c" + random.nextInt(5), random.nextBoolean());
                assertTrue(writer.apply(p.productId(), ProductJson.write(p)));
                expected.put(p.productId(), p);
            }
        }
        writer.flush();

        assertEquals(expected.keySet(), redis.smembers(keys.products()));
        for (Product p : expected.values()) {
            assertEquals(p.category(), redis.hget(keys.product(p.productId()), "category"), p.productId());
            assertEquals(Boolean.toString(p.inStock()), redis.hget(keys.product(p.productId()), "in_stock"), p.productId());
            assertTrue(redis.zscore(keys.category(p.category()), p.productId()) != null, p.productId() + " in its category");
        }
        long indexed = 0;
        for (int c = 0; c < 5; c++) {
            indexed += redis.zcard(keys.category("c" + c));
        }
        assertEquals(expected.size(), indexed, "each product in exactly one category index");
        for (int i = 0; i < 300; i++) {
            if (!expected.containsKey("p" + i)) {
                assertFalse(redis.exists(keys.product("p" + i)), "p" + i + " deleted");
            }
        }
    }

    @Test
    void nothingIsSentUntilAChunkFillsOrFlushIsCalled() {
        Product p = product(1, "shoes", true);
        writer.apply(p.productId(), ProductJson.write(p));
        assertFalse(redis.exists(keys.product("p1")), "queued, not yet sent");
        writer.flush();
        assertEquals("shoes", redis.hget(keys.product("p1"), "category"));
        writer.flush();
        assertEquals(Set.of("p1"), redis.smembers(keys.products()), "an empty flush changes nothing");
    }

    @Test
    void aScriptRedisLostIsLoadedAgainAndTheChunkApplied() {
        Product p1 = product(1, "shoes", true);
        writer.apply(p1.productId(), ProductJson.write(p1));
        writer.flush();
        redis.scriptFlush();
        Product p2 = product(2, "toys", true);
        writer.apply(p2.productId(), ProductJson.write(p2));
        writer.apply("p1", null);
        writer.flush();
        assertEquals(Set.of("p2"), redis.smembers(keys.products()));
        assertNull(redis.zscore(keys.category("shoes"), "p1"));
    }

    @Test
    void aBadRecordIsCountedAndSkippedAndTheRecordsAroundItApply() {
        Product p1 = product(1, "shoes", true);
        Product p2 = product(2, "shoes", true);
        assertTrue(writer.apply(p1.productId(), ProductJson.write(p1)));
        assertFalse(writer.apply("p9", "{not json"));
        assertFalse(writer.apply(null, null));
        assertTrue(writer.apply(p2.productId(), ProductJson.write(p2)));
        writer.flush();
        assertEquals(Set.of("p1", "p2"), redis.smembers(keys.products()));
        assertEquals("2", redis.hget(keys.speedCounts(), "catalog_rejected"));
    }
}
