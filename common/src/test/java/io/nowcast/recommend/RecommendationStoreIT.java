package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The store reads speed inputs from a real Redis and writes the per-user key in the original layout. */
class RecommendationStoreIT {
    private RedisClient redis;
    private RedisKeys keys;
    private RecommendationStore store;

    @BeforeEach
    void connect() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("store"));
        store = new RecommendationStore(redis, keys);
        redis.set(keys.streamTime(), String.valueOf(1_000_000_000_000L));
    }

    @AfterEach
    void cleanUp() {
        redis.keys(keys.prefix() + "*").forEach(redis::del);
        redis.close();
    }

    private static String id(int i) {
        return String.format("rs_p%03d", i);
    }

    private List<String> recommended(long user) throws Exception {
        JsonNode json = new ObjectMapper().readTree(redis.get(keys.recommendations(user)));
        List<String> out = new ArrayList<>();
        json.get("recommended_products").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aHeavyViewerStillGetsTheNextBestProductsBeyondTheSharedRange() throws Exception {
        // 200 products, popularity descending with the index; the user viewed the best 130 of them.
        for (int i = 0; i < 200; i++) {
            redis.zadd(keys.category("rs/cat"), 1000 - i, id(i));
            redis.hset(keys.product(id(i)), Map.of("category", "rs/cat", "in_stock", "true"));
        }
        redis.hset(keys.interest(7), "rs/cat", "5");
        for (int i = 0; i < 130; i++) {
            redis.zadd(keys.viewed(7), 1_000_000_000_000L - 1000, id(i));
        }
        assertEquals(1, store.refreshSpeed(List.of(7L), 20));
        List<String> expected = new ArrayList<>();
        for (int i = 130; i < 150; i++) {
            expected.add(id(i));
        }
        assertEquals(expected, recommended(7));
    }

    @Test
    void viewsOlderThan24HoursOfStreamTimeNoLongerExclude() throws Exception {
        for (int i = 0; i < 3; i++) {
            redis.zadd(keys.category("rs/cat"), 10 - i, id(i));
            redis.hset(keys.product(id(i)), Map.of("category", "rs/cat", "in_stock", i == 2 ? "false" : "true"));
        }
        redis.hset(keys.interest(8), "rs/cat", "1");
        redis.zadd(keys.viewed(8), 1_000_000_000_000L - 86_400_000L, id(0));
        redis.zadd(keys.viewed(8), 1_000_000_000_000L - 86_399_999L, id(1));
        store.refreshSpeed(List.of(8L), 20);
        assertEquals(List.of(id(0)), recommended(8), "p000's view is 24 h old; p001's is not; p002 is out of stock");
    }
}
