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

    /** rs_p000, rs_p001 and rs_p002 in rs/cat, popular in that order; rs_p002 out of stock. */
    private void threeProductsInOneCategoryTheLastOutOfStock() {
        for (int i = 0; i < 3; i++) {
            redis.zadd(keys.category("rs/cat"), 10 - i, id(i));
            redis.hset(keys.product(id(i)), Map.of("category", "rs/cat", "in_stock", i == 2 ? "false" : "true"));
        }
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
        assertEquals(1, store.refresh(List.of(7L), 20));
        List<String> expected = new ArrayList<>();
        for (int i = 130; i < 150; i++) {
            expected.add(id(i));
        }
        assertEquals(expected, recommended(7));
    }

    @Test
    void tiedProductsComeInProductIdOrderWhetherTheCategoryFitsTheRangeOrNot() throws Exception {
        // Small: five products, three tied; the whole category fits the range, so it is sorted as read.
        int[] scores = {1, 3, 3, 3, 5};
        for (int i = 0; i < scores.length; i++) {
            redis.zadd(keys.category("rs/small"), scores[i], id(i));
            redis.hset(keys.product(id(i)), Map.of("category", "rs/small", "in_stock", "true"));
        }
        redis.hset(keys.interest(5), "rs/small", "2");
        store.refresh(List.of(5L), 20);
        assertEquals(List.of(id(4), id(1), id(2), id(3), id(0)), recommended(5));

        // Large: 200 products, the last 65 tied at the range's cut, where Redis's reverse order would put
        // the highest ids first; the user viewed the best 125, so their list runs into the tie.
        for (int i = 0; i < 200; i++) {
            redis.zadd(keys.category("rs/large"), i < 135 ? 1000 - i : 1, id(i));
            redis.hset(keys.product(id(i)), Map.of("category", "rs/large", "in_stock", "true"));
        }
        redis.hset(keys.interest(6), "rs/large", "5");
        for (int i = 0; i < 125; i++) {
            redis.zadd(keys.viewed(6), 1_000_000_000_000L - 1000, id(i));
        }
        store.refresh(List.of(6L), 20);
        List<String> expected = new ArrayList<>();
        for (int i = 125; i < 145; i++) {
            expected.add(id(i));
        }
        assertEquals(expected, recommended(6));
    }

    @Test
    void viewsOlderThan24HoursOfStreamTimeNoLongerExclude() throws Exception {
        threeProductsInOneCategoryTheLastOutOfStock();
        redis.hset(keys.interest(8), "rs/cat", "1");
        redis.zadd(keys.viewed(8), 1_000_000_000_000L - 86_400_000L, id(0));
        redis.zadd(keys.viewed(8), 1_000_000_000_000L - 86_399_999L, id(1));
        store.refresh(List.of(8L), 20);
        assertEquals(List.of(id(0)), recommended(8), "p000's view is 24 h old; p001's is not; p002 is out of stock");
    }

    @Test
    void factsKeptBetweenRefreshesGoWhenTheCatalogVersionMovesAndNeverHideAProductBackInStock() throws Exception {
        threeProductsInOneCategoryTheLastOutOfStock();
        redis.hset(keys.interest(8), "rs/cat", "1");
        RecommendationStore.FactsCache cache = new RecommendationStore.FactsCache();
        store.refresh(List.of(8L), 20, cache);
        assertEquals(List.of(id(0), id(1)), recommended(8));
        assertEquals(2, cache.size(), "the two in stock are kept; the one out of stock is read each time");

        // What the catalog writer's script does when a product goes out of stock: the hash and the version together.
        redis.hset(keys.product(id(0)), "in_stock", "false");
        redis.incr(keys.catalogVersion());
        // Back in stock, which does not raise the version.
        redis.hset(keys.product(id(2)), "in_stock", "true");
        store.refresh(List.of(8L), 20, cache);
        assertEquals(List.of(id(1), id(2)), recommended(8), "p000 out of stock (the version moved), p002 back in stock");
        assertEquals(2, cache.size());
    }

    @Test
    void theKeyMergesBatchViewsSpeedAndRulesAndSaysWhichVersionsMadeIt() throws Exception {
        long now = 1_000_000_000_000L;
        for (int i = 0; i < 8; i++) {
            redis.hset(keys.product(id(i)), Map.of("category", i == 6 ? "rs/toys" : "rs/cat", "in_stock", i == 5 ? "false" : "true"));
        }
        redis.zadd(keys.category("rs/cat"), 3, id(4));
        redis.hset(keys.interest(9), "rs/cat", "2");
        redis.set(keys.batchCurrent(), "v1");
        redis.hset(keys.cf("v1"), "9", BatchJson.cf(List.of(new CfItem(id(2), 9, id(7), 3), new CfItem(id(5), 8, id(7), 3))));
        redis.hset(keys.copurchase("v1"), id(0), BatchJson.neighbours(List.of(new Neighbour(id(1), 20, 6, 2), new Neighbour(id(6), 10, 2, 2))));
        redis.zadd(keys.carted(9), now - 60_000, id(0));
        redis.zadd(keys.bought(9), now - 90_000_000L, id(7));
        redis.set(keys.rules(), RulesJson.write(new MerchandisingRules(4, Map.of(id(3), 2), java.util.Set.of(), java.util.Set.of("rs/toys"))));

        store.refresh(List.of(9L), 20);
        JsonNode json = new ObjectMapper().readTree(redis.get(keys.recommendations(9)));
        // bought-together p001 (p006's category is blocked), the pin at 2, CF p002 (p005 is out of stock), speed p004;
        // p007 was bought over 24 h ago: excluded, and too old to drive bought-together.
        assertEquals(List.of(id(1), id(3), id(2), id(4)), recommended(9));
        List<String> sources = new ArrayList<>();
        json.get("items").forEach(n -> sources.add(n.get("source").asText()));
        assertEquals(List.of("bought_together", "pinned", "batch_cf", "speed"), sources);
        assertEquals("bought with rs_p000 in 6 baskets (you carted or bought it in the last 24 h)", json.get("items").get(0).get("reason").asText());
        assertEquals("v1", json.get("batch_version").asText());
        assertEquals(4, json.get("rules_version").asLong());
        assertEquals(java.time.Instant.ofEpochMilli(now).toString(), json.get("stream_time").asText());
        assertEquals(1, redis.zcard(keys.recommendedUsers()));
    }

    @Test
    void refreshingEveryoneCoversUsersWithKeysAndTheNewCfUsers() throws Exception {
        redis.hset(keys.product(id(1)), Map.of("category", "rs/cat", "in_stock", "true"));
        redis.hset(keys.product(id(2)), Map.of("category", "rs/cat", "in_stock", "true"));
        store.refresh(List.of(11L, 12L), 20);
        redis.set(keys.batchCurrent(), "v2");
        redis.hset(keys.cf("v2"), "12", BatchJson.cf(List.of(new CfItem(id(1), 5, id(2), 2))));
        redis.hset(keys.cf("v2"), "13", BatchJson.cf(List.of(new CfItem(id(2), 5, id(1), 2))));
        assertEquals(3, store.refreshEveryone(20, keys.cf("v2")));
        assertEquals(List.of(), recommended(11));
        assertEquals(List.of(id(1)), recommended(12));
        assertEquals(List.of(id(2)), recommended(13));
        assertEquals(3, redis.zcard(keys.recommendedUsers()));
    }
}
