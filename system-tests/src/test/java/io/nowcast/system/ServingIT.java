package io.nowcast.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.db.TestDatabase;
import io.nowcast.recommend.BatchJson;
import io.nowcast.recommend.Neighbour;
import io.nowcast.redis.RedisKeys;
import io.nowcast.serving.ApiPaths;
import io.nowcast.serving.ServingApp;
import io.nowcast.serving.ServingConfig;
import io.nowcast.testing.Await;
import io.nowcast.testing.Http;
import io.nowcast.testing.JobProcess;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/**
 * Serving end to end, with real Kafka, Redis and PostgreSQL and the speed layer running as its own
 * process: events posted to the REST API go through Kafka into the speed layer, and the merged key in
 * Redis and the API's answer change with them; bought-together, pins and blocks show on the next read.
 */
class ServingIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "test-admin-token";

    @TempDir
    Path tmp;

    private static String p(int i) {
        return "sv_p" + i;
    }

    @Test
    void eventsThroughTheApiChangeTheKeyAndTheAnswerAndRulesShowOnTheNextRead() throws Exception {
        String prefix = TestServers.uniquePrefix("serving");
        RedisKeys keys = new RedisKeys(prefix);
        try (TestDatabase db = TestDatabase.create("serving");
             RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
            Endpoints e = db.endpoints();
            Map<String, String> env = new HashMap<>(e.withRedisPrefix(prefix).env());

            Map<String, String> speedEnv = new HashMap<>(env);
            speedEnv.put("NOWCAST_DATA_DIR", tmp.resolve("speed").toString());
            speedEnv.put("NOWCAST_SPEED_STARTING_OFFSETS", "latest");
            speedEnv.put("NOWCAST_MASTER_DATASET", "off");
            Path log = tmp.resolve("speed.log");
            JobProcess speed = JobProcess.startInModule("speed-layer", "io.nowcast.speed.SpeedLayerJob", speedEnv, log);

            Map<String, String> servingEnv = new HashMap<>(env);
            servingEnv.put("NOWCAST_SERVING_PORT", "0");
            servingEnv.put("NOWCAST_ADMIN_TOKEN", TOKEN);
            try (ServingApp app = ServingApp.start(ServingConfig.from(new Env(servingEnv)));
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestServers.kafka(),
                         "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()))) {
                Http http = new Http("http://127.0.0.1:" + app.port());
                Await.until(() -> speed.alive() && Await.log(log).contains("nowcast: speed layer started"), 120, "speed layer start; log " + log);

                // The catalog, through Kafka like CDC would send it: five shoes and one toy.
                for (int i = 1; i <= 6; i++) {
                    String category = i == 6 ? "sv/toys" : "sv/shoes";
                    producer.send(new ProducerRecord<>(Topics.PRODUCT_CATALOG, p(i), "{\"product_id\":\"" + p(i) + "\",\"name\":\"Product " + i
                            + "\",\"category\":\"" + category + "\",\"price\":10.0,\"in_stock\":true}"));
                }
                producer.flush();
                Await.until(() -> redis.exists(keys.product(p(6))), 60, "catalog in Redis; log " + log);

                // Views through the API: others make p2 > p3 > p4 popular, then user 1 likes shoes. A user's key
                // is re-merged when their own inputs change, not when others' views move popularity, and the
                // users sit in different partitions, flushed independently: so user 1's views go once the
                // popularity is in Redis, or the key could rank a popularity half applied.
                String now = Instant.now().toString();
                List<String> others = new ArrayList<>();
                for (int u = 2; u <= 4; u++) {
                    others.add(view(u, p(2), now));
                }
                others.add(view(5, p(3), now));
                others.add(view(6, p(3), now));
                others.add(view(7, p(4), now));
                Http.Answer posted = http.postJson(ApiPaths.EVENTS, "[" + String.join(",", others) + "]");
                assertEquals(202, posted.status(), posted.toString());
                assertEquals(others.size(), posted.json().get("accepted").asInt());
                Await.until(() -> Double.valueOf(3).equals(redis.zscore(keys.category("sv/shoes"), p(2)))
                        && Double.valueOf(2).equals(redis.zscore(keys.category("sv/shoes"), p(3)))
                        && Double.valueOf(1).equals(redis.zscore(keys.category("sv/shoes"), p(4))), 60, "the others' views in Redis; log " + log);
                List<String> mine = List.of(view(1, p(1), now), view(1, p(1), now));
                posted = http.postJson(ApiPaths.EVENTS, "[" + String.join(",", mine) + "]");
                assertEquals(202, posted.status(), posted.toString());
                assertEquals(mine.size(), posted.json().get("accepted").asInt());
                List<String> events = new ArrayList<>(others);
                events.addAll(mine);

                JsonNode recs = waitForAnswer(http, ApiPaths.recommendations(1) + "?limit=3", j -> ids(j).size() == 3 && j.get("known_user").asBoolean(),
                        "user 1's key with speed recommendations");
                assertEquals(List.of(p(2), p(3), p(4)), ids(recs), "shoes by popularity, without the viewed p1");
                recs.get("items").forEach(i -> assertEquals("speed", i.get("source").asText(), i.toString()));
                assertTrue(recs.get("items").get(0).get("reason").asText().contains("popular in sv/shoes (3 views in 24 h)"), recs.toString());
                JsonNode key = MAPPER.readTree(redis.get(keys.recommendations(1)));
                assertEquals(ids(recs), ids(key).subList(0, 3), "the API answers what apps read straight from Redis");

                JsonNode trending = http.get(ApiPaths.TRENDING + "?limit=2").json();
                assertEquals(List.of(p(2), p(1)), trending.findValuesAsText("product_id"), "p1 and p3 tie at 2 views: the lower id wins");
                assertEquals(3, trending.get("items").get(0).get("views").asInt());

                // A batch version whose table says p6 goes with p2; user 1 carts p2 through the API.
                redis.hset(keys.copurchase("sv1"), p(2), BatchJson.neighbours(List.of(new Neighbour(p(6), 40.5, 12, 3.5))));
                redis.set(keys.batchCurrent(), "sv1");
                JsonNode together = http.get(ApiPaths.boughtTogether(p(2))).json();
                assertEquals(p(6), together.get("items").get(0).get("product_id").asText());
                assertEquals(12, together.get("items").get(0).get("support").asInt());
                assertEquals(404, http.get(ApiPaths.boughtTogether("sv_missing")).status());

                Http.Answer cart = http.postJson(ApiPaths.EVENTS, event("add_to_cart", 1, p(2), Instant.now().toString()));
                assertEquals(202, cart.status(), cart.toString());
                recs = waitForAnswer(http, ApiPaths.recommendations(1), j -> ids(j).contains(p(6)), "bought-together after the cart");
                assertEquals(p(6), ids(recs).get(0));
                assertEquals("bought_together", recs.get("items").get(0).get("source").asText());
                assertEquals("bought with sv_p2 in 12 baskets (you carted or bought it in the last 24 h)", recs.get("items").get(0).get("reason").asText());
                assertEquals("sv1", recs.get("batch_version").asText());

                // A pin and a block, then the very next read.
                Http.Answer pin = http.send("PUT", "/api/v1/rules/pin/" + p(5), "application/json", "{\"position\":1}".getBytes(),
                        "Authorization", "Bearer " + TOKEN);
                assertEquals(200, pin.status(), pin.toString());
                Http.Answer block = http.send("PUT", "/api/v1/rules/block_product/" + p(6), null, null, "Authorization", "Bearer " + TOKEN);
                assertEquals(200, block.status(), block.toString());
                Http.Answer blockCategory = http.send("PUT", ApiPaths.rule("block_category", "sv/toys"), null, null, "Authorization", "Bearer " + TOKEN);
                assertEquals(200, blockCategory.status(), "a category with a slash: " + blockCategory);
                assertTrue(http.get(ApiPaths.RULES).body().contains("\"target\":\"sv/toys\""));
                long version = blockCategory.json().get("version").asLong();
                recs = http.get(ApiPaths.recommendations(1)).json();
                assertEquals(p(5), ids(recs).get(0), recs.toString());
                assertEquals("pinned", recs.get("items").get(0).get("source").asText());
                assertFalse(ids(recs).contains(p(6)), "blocked: " + recs);
                assertEquals(version, recs.get("rules_version").asLong());
                JsonNode stranger = http.get(ApiPaths.recommendations(987_654_321)).json();
                assertFalse(stranger.get("known_user").asBoolean());
                assertEquals(p(5), ids(stranger).get(0), "pins apply to everyone");
                assertEquals(p(2), ids(stranger).get(1));
                for (int i = 1; i < stranger.get("items").size(); i++) {
                    assertEquals("trending", stranger.get("items").get(i).get("source").asText(), stranger.toString());
                }
                app.awaitRulesRemerge();
                assertEquals(p(5), ids(MAPPER.readTree(redis.get(keys.recommendations(1)))).get(0), "the key itself, re-merged in the background");

                // Without the token, and with bad events: refused, nothing produced.
                assertEquals(401, http.send("DELETE", "/api/v1/rules/pin/" + p(5), null, null).status());
                Http.Answer bad = http.postJson(ApiPaths.EVENTS, "[" + view(1, p(1), now) + ",{\"event_type\":\"page_view\",\"user_id\":1,\"timestamp\":\"" + now + "\"}]");
                assertEquals(400, bad.status(), bad.toString());
                assertEquals("product_id", bad.json().get("errors").get(0).get("field").asText());
                assertEquals(1, bad.json().get("errors").get(0).get("index").asInt());

                JsonNode health = http.get(ApiPaths.HEALTH).json();
                assertEquals("ok", health.get("status").asText(), health.toString());
                assertEquals("fresh", health.get("speed_layer").get("status").asText(), health.toString());
                JsonNode first = http.get(ApiPaths.recommendations(1)).json();
                assertEquals(first, http.get(ApiPaths.recommendations(1)).json(), "an unchanged key, read twice");
                String metrics = http.get(ApiPaths.METRICS).body();
                double accepted = metrics.lines().filter(l -> l.startsWith("nowcast_events_accepted_total"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                assertEquals(events.size() + 1, accepted, 0.0, metrics);
                // User 1's key was read, rewritten by the speed layer (the cart above) and answered anew, then read
                // twice unchanged: Redis reported the changes, and the second of those reads was served from the cache.
                assertTrue(metric(metrics, "nowcast_key_cache_hits_total") > 0, metrics);
                assertTrue(metric(metrics, "nowcast_key_cache_invalidations_total") > 0, metrics);
                assertEquals(1.0, metric(metrics, "nowcast_key_cache_live"), metrics);
            } finally {
                speed.kill();
                redis.keys(prefix + "*").forEach(redis::del);
            }
        }
    }

    private static double metric(String scrape, String name) {
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static String view(long user, String product, String at) {
        return event("page_view", user, product, at);
    }

    private static String event(String type, long user, String product, String at) {
        return "{\"event_type\":\"" + type + "\",\"user_id\":" + user + ",\"product_id\":\"" + product + "\",\"timestamp\":\"" + at + "\"}";
    }

    private static List<String> ids(JsonNode recs) {
        List<String> out = new ArrayList<>();
        recs.get("recommended_products").forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode waitForAnswer(Http http, String path, Predicate<JsonNode> ok, String what) throws Exception {
        JsonNode[] last = new JsonNode[1];
        try {
            Await.until(() -> {
                Http.Answer a = http.get(path);
                last[0] = a.status() == 200 ? a.json() : null;
                return last[0] != null && ok.test(last[0]);
            }, 30, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last answer " + last[0], e);
        }
        return last[0];
    }
}
