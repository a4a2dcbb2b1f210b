package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.nowcast.db.TestDatabase;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import io.nowcast.testing.Http;
import io.nowcast.testing.TestServers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The recommendations route answered in Jetty ({@link RecommendationsHandler}), against real Redis,
 * Kafka and PostgreSQL: its answers are the Javalin route's (reached with a trailing slash), byte for
 * byte, for a user with a key and a stranger, cached or not, for every limit and exclude; bad parameters
 * get the route's 400; a known user without a key gets their own merge; a stranger's verdict is reused
 * for a second, then a newly known one is merged; a key changed in Redis shows on
 * the next reads, and a cached one is read again before any request asks; every answer is in the request
 * metrics.
 */
class RecommendationsHandlerIT {
    private static final String ROUTE_LABEL = "route=\"" + ApiPaths.RECOMMENDATIONS + "\"";

    @Test
    void answersAreTheRoutesAndFollowTheKey() throws Exception {
        String prefix = TestServers.uniquePrefix("handler");
        RedisKeys keys = new RedisKeys(prefix);
        try (TestDatabase db = TestDatabase.create("handler");
             RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort());
             ServingApp app = TestServing.start(db, prefix, "t")) {
            Http http = new Http("http://127.0.0.1:" + app.port());
            List<String> products = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12");
            redis.set(keys.recommendations(42), TestServing.key(42, products));
            int ok = 0;

            // Each request twice: in Jetty, and through Javalin's route (a trailing slash skips the handler).
            List<String> queries = List.of("", "?limit=3", "?limit=100", "?exclude=p1,p3", "?limit=2&exclude=p2", "?limit=2&limit=5",
                    "?exclude=p%31%30&limit=11", "?other=x");
            for (long user : List.of(42L, 43L)) {
                for (int round = 0; round < 2; round++) { // the first read of each user misses the key cache
                    for (String query : queries) {
                        Http.Answer handled = http.get(ApiPaths.recommendations(user) + query);
                        Http.Answer routed = http.get(ApiPaths.recommendations(user) + "/" + query);
                        ok += 2;
                        assertEquals(200, handled.status(), user + query + ": " + handled);
                        if (user == 42) {
                            assertEquals(routed.body(), handled.body(), user + query);
                        } else { // the strangers' shared list is made again each second, with its own generated_at
                            assertEquals(withoutGeneratedAt(routed.json()), withoutGeneratedAt(handled.json()), user + query);
                        }
                        assertEquals(routed.contentType(), handled.contentType(), user + query);
                    }
                }
            }
            assertEquals(false, http.get(ApiPaths.recommendations(43)).json().get("known_user").asBoolean(), "43 is a stranger");

            // What the answers hold, as the key cut by limit and exclude.
            Map<String, List<String>> expected = new LinkedHashMap<>();
            expected.put("?limit=3", products.subList(0, 3));
            expected.put("?limit=100", products);
            expected.put("?exclude=p1,p3", List.of("p2", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12").subList(0, 10));
            expected.put("?limit=2&exclude=p2", List.of("p1", "p3"));
            expected.put("?limit=2&limit=5", products.subList(0, 2));
            expected.put("?exclude=p%31%30&limit=11", List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p11", "p12"));
            expected.put("?other=x", products.subList(0, 10));
            for (Map.Entry<String, List<String>> c : expected.entrySet()) {
                Http.Answer a = http.get(ApiPaths.recommendations(42) + c.getKey());
                ok++;
                assertEquals(200, a.status(), c.getKey() + ": " + a);
                JsonNode j = a.json();
                assertEquals(c.getValue(), ids(j.get("recommended_products")), c.getKey());
                assertEquals(c.getValue().size(), j.get("items").size(), c.getKey());
                assertEquals(42, j.get("user_id").asLong());
                assertTrue(j.get("known_user").asBoolean());
                assertEquals("2026-11-28T23:59:59Z", j.get("stream_time").asText());
            }

            // Bad parameters: the route's 400, with its message.
            for (String bad : List.of("?limit=0", "?limit=101", "?limit=x", "?exclude=a,,b", "?limit=1%2B1", "?exclude=" + "x".repeat(201))) {
                Http.Answer a = http.get(ApiPaths.recommendations(42) + bad);
                assertEquals(400, a.status(), bad + ": " + a);
                assertTrue(a.body().contains("\"error\""), bad + ": " + a);
            }

            // A user Nowcast knows but whose key is not written yet: their own merge (KeylessMerges), in
            // Jetty and through the route alike, not the strangers' list.
            redis.hset(keys.product("b1"), Map.of("category", "books", "in_stock", "true"));
            redis.hset(keys.product("b2"), Map.of("category", "books", "in_stock", "true"));
            redis.zadd(keys.category("books"), Map.of("b1", 5.0, "b2", 3.0));
            redis.hset(keys.interest(44), Map.of("books", "2"));
            for (String path : List.of(ApiPaths.recommendations(44), ApiPaths.recommendations(44) + "/")) {
                JsonNode keyless = http.get(path).json();
                ok++;
                assertEquals(List.of("b1", "b2"), ids(keyless.get("recommended_products")), path + ": " + keyless);
                assertEquals("speed", keyless.get("items").get(0).get("source").asText(), path + ": " + keyless);
                assertEquals(44, keyless.get("user_id").asLong());
            }
            assertTrue(http.get(ApiPaths.METRICS).body().lines().anyMatch(l -> l.startsWith("nowcast_keyless_merges_total ")
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1), "the merges are counted");

            // A stranger asking again within a second gets the strangers' list without another read of
            // Redis (counted); once they are known, their own merge follows when that verdict lapses.
            double reused = metric(http, "nowcast_stranger_verdicts_reused_total");
            for (int i = 0; i < 20; i++) {
                assertEquals(false, http.get(ApiPaths.recommendations(45)).json().get("known_user").asBoolean(), "45 is a stranger");
                ok++;
            }
            assertTrue(metric(http, "nowcast_stranger_verdicts_reused_total") > reused, "the stranger's verdict was reused");
            redis.hset(keys.interest(45), Map.of("books", "1"));
            Await.until(() -> ids(http.get(ApiPaths.recommendations(45)).json().get("recommended_products")).equals(List.of("b1", "b2")),
                    30, "45's own merge once known");
            ok++;

            // The key changes in Redis: the next reads show it.
            redis.set(keys.recommendations(42), TestServing.key(42, List.of("q1", "q2")));
            Await.until(() -> ids(http.get(ApiPaths.recommendations(42)).json().get("recommended_products")).equals(List.of("q1", "q2")),
                    30, "the changed key");
            ok++;

            // A cached key that changes is read again at once, without a request: the next request is a hit.
            http.get(ApiPaths.recommendations(42));
            double misses = metric(http, "nowcast_key_cache_misses_total");
            double rereads = metric(http, "nowcast_key_cache_rereads_total");
            redis.set(keys.recommendations(42), TestServing.key(42, List.of("r1", "r2", "r3")));
            Await.until(() -> metric(http, "nowcast_key_cache_rereads_total") > rereads, 30, "the changed key read again");
            assertEquals(List.of("r1", "r2", "r3"), ids(http.get(ApiPaths.recommendations(42)).json().get("recommended_products")));
            ok++;
            assertEquals(misses, metric(http, "nowcast_key_cache_misses_total"), "the request after the change was a hit");

            // Every 200 is in the request metrics, whichever way it was answered (at least the ones counted here).
            String metrics = http.get(ApiPaths.METRICS).body();
            double counted = metrics.lines().filter(l -> l.startsWith("nowcast_http_requests_seconds_count{") && l.contains(ROUTE_LABEL)
                    && l.contains("status=\"200\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertTrue(counted >= ok, counted + " counted, " + ok + " answered: " + metrics);
        } finally {
            try (RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
                TestServers.deleteKeys(redis, prefix);
            }
        }
    }

    private static double metric(Http http, String name) throws Exception {
        return http.get(ApiPaths.METRICS).body().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
    }

    private static JsonNode withoutGeneratedAt(JsonNode answer) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) answer).remove("generated_at");
        return answer;
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
