package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The recommendations route answered before routing ({@link CachedRecommendations}), against real Redis,
 * Kafka and PostgreSQL: its answers are the route's, byte for byte, for every limit and exclude; bad
 * parameters still get the route's 400; a key changed in Redis shows on the next reads; and every answer
 * is in the request metrics.
 */
class CachedRecommendationsIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ROUTE_LABEL = "route=\"" + ApiPaths.RECOMMENDATIONS + "\"";

    @Test
    void cachedAnswersAreTheRoutesAndFollowTheKey() throws Exception {
        String prefix = TestServers.uniquePrefix("cached");
        RedisKeys keys = new RedisKeys(prefix);
        try (TestDatabase db = TestDatabase.create("cached");
             RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort());
             ServingApp app = TestServing.start(db, prefix, "t")) {
            Http http = new Http("http://127.0.0.1:" + app.port());
            List<String> products = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12");
            redis.set(keys.recommendations(42), TestServing.key(42, products));
            int ok = 0;

            // The first read misses the cache: the route answers, parses the key and keeps it.
            Http.Answer routed = http.get(ApiPaths.recommendations(42));
            ok++;
            assertEquals(200, routed.status(), routed.toString());
            assertEquals(0.0, cachedAnswers(http), "the first read is the route's");
            Await.until(() -> {
                Http.Answer a = http.get(ApiPaths.recommendations(42));
                return a.body().equals(routed.body()) && cachedAnswers(http) > 0;
            }, 30, "a cached answer (tracking connected)");
            ok++;
            assertEquals(1.0, cachedAnswers(http), "then the same bytes, from the cache");
            Http.Answer cached = http.get(ApiPaths.recommendations(42));
            ok++;
            assertEquals(routed.body(), cached.body());
            assertEquals(routed.contentType(), cached.contentType());

            // Every limit and exclude, as the route would cut the key.
            Map<String, List<String>> expected = new LinkedHashMap<>();
            expected.put("?limit=3", products.subList(0, 3));
            expected.put("?limit=100", products);
            expected.put("?exclude=p1,p3", List.of("p2", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12").subList(0, 10));
            expected.put("?limit=2&exclude=p2", List.of("p1", "p3"));
            expected.put("?limit=2&limit=5", products.subList(0, 2));
            expected.put("?exclude=p%31%30&limit=11", List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p11", "p12"));
            expected.put("?other=x", products.subList(0, 10));
            double before = cachedAnswers(http);
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
            assertEquals(before + expected.size(), cachedAnswers(http), "each of those from the cache");

            // Bad parameters on a cached user: the route's 400, with its message.
            for (String bad : List.of("?limit=0", "?limit=101", "?limit=x", "?exclude=a,,b", "?limit=1%2B1", "?exclude=" + "x".repeat(201))) {
                Http.Answer a = http.get(ApiPaths.recommendations(42) + bad);
                assertEquals(400, a.status(), bad + ": " + a);
                assertTrue(a.body().contains("\"error\"") || a.body().contains("\"message\""), bad + ": " + a);
            }
            Http.Answer slash = http.get(ApiPaths.recommendations(42) + "/");
            assertEquals(routed.body(), slash.body(), "a trailing slash goes to the route, which answers the same");
            ok++;

            // The key changes in Redis: the next reads show it, then come from the cache again.
            redis.set(keys.recommendations(42), TestServing.key(42, List.of("q1", "q2")));
            double beforeChange = cachedAnswers(http);
            Await.until(() -> ids(http.get(ApiPaths.recommendations(42)).json().get("recommended_products")).equals(List.of("q1", "q2")),
                    30, "the changed key");
            Await.until(() -> {
                Http.Answer a = http.get(ApiPaths.recommendations(42));
                return ids(a.json().get("recommended_products")).equals(List.of("q1", "q2")) && cachedAnswers(http) > beforeChange;
            }, 30, "the changed key from the cache");

            // Every 200 is in the request metrics, whichever way it was answered (at least the ones counted here).
            String metrics = http.get(ApiPaths.METRICS).body();
            double counted = metrics.lines().filter(l -> l.startsWith("nowcast_http_requests_seconds_count{") && l.contains(ROUTE_LABEL)
                    && l.contains("status=\"200\"")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertTrue(counted >= ok + 2, counted + " counted, " + ok + " and more answered: " + metrics);
        } finally {
            try (RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
                TestServers.deleteKeys(redis, prefix);
            }
        }
    }

    private static double cachedAnswers(Http http) {
        return http.get(ApiPaths.METRICS).body().lines().filter(l -> l.startsWith("nowcast_recommendations_cached_answers_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
