package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nowcast.recommend.RecommendationStore;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * {@link KeylessMerges} against real Redis: users with interests but no key, asked for all at once, are
 * merged in a few batches, each gets exactly the list a merge of that user alone gives, and it becomes
 * their key (with its TTL, in the index) only where no key exists.
 */
class KeylessMergesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void batchedMergesEqualEachUsersOwnMerge() throws Exception {
        String prefix = TestServers.uniquePrefix("keyless");
        RedisKeys keys = new RedisKeys(prefix);
        try (RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
            try {
                List<String> categories = List.of("books", "garden", "toys");
                for (int p = 0; p < 60; p++) {
                    String c = categories.get(p % 3);
                    redis.hset(keys.product("p" + p), Map.of("category", c, "in_stock", p % 7 == 0 ? "false" : "true"));
                    redis.zadd(keys.category(c), 100 - p, "p" + p);
                }
                redis.set(keys.streamTime(), "1796000000000");
                int users = 300;
                for (long u = 1; u <= users; u++) {
                    redis.hset(keys.interest(u), Map.of(categories.get((int) (u % 3)), Long.toString(u % 5 + 1),
                            categories.get((int) ((u + 1) % 3)), "1"));
                    redis.zadd(keys.viewed(u), 1796000000000.0 - u, "p" + (u % 60));
                }
                RecommendationStore store = new RecommendationStore(redis, keys);
                try (KeylessMerges merges = new KeylessMerges(store, 10, 10_000, 1)) {
                    List<CompletableFuture<String>> asked = new ArrayList<>();
                    for (long u = 1; u <= users; u++) {
                        asked.add(merges.merge(u));
                    }
                    for (long u = 1; u <= users; u++) {
                        String got = asked.get((int) u - 1).get();
                        assertNotNull(got, "user " + u);
                        String alone = store.compute(List.of(u), 10).get(u);
                        assertEquals(withoutGeneratedAt(alone), withoutGeneratedAt(got), "user " + u);
                        assertEquals(10, JSON.readTree(got).get("recommended_products").size(), "user " + u);
                    }
                    assertEquals(users, merges.merged());
                    assertTrue(merges.batches() < users / 10, merges.batches() + " batches for " + users + " users");
                    assertEquals(0, merges.shed());
                    assertEquals(users, merges.written(), "none had a key");
                    for (long u = 1; u <= users; u++) {
                        assertEquals(withoutGeneratedAt(asked.get((int) u - 1).get()), withoutGeneratedAt(redis.get(keys.recommendations(u))),
                                "the key of user " + u);
                        assertTrue(redis.ttl(keys.recommendations(u)) > 0, "the key of user " + u + " expires");
                    }
                    assertEquals(users, redis.zcard(keys.recommendedUsers()), "the written keys are in the index");

                    // A key written meanwhile (by the refresher) is never replaced by such a merge.
                    redis.set(keys.recommendations(1), "{\"written\":\"by the refresher\"}");
                    redis.del(keys.recommendations(2));
                    assertNotNull(merges.merge(1).get());
                    assertNotNull(merges.merge(2).get());
                    assertEquals("{\"written\":\"by the refresher\"}", redis.get(keys.recommendations(1)));
                    assertNotNull(redis.get(keys.recommendations(2)));
                    assertEquals(users + 1, merges.written());
                }
            } finally {
                TestServers.deleteKeys(redis, prefix);
            }
        }
    }

    private static JsonNode withoutGeneratedAt(String json) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree(json);
        o.remove("generated_at");
        return o;
    }
}
