package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.db.TestDatabase;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Http;
import io.nowcast.testing.TestServers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * 10,000 random bad requests against a running API (real Redis, Kafka and PostgreSQL): bad ids, huge and
 * malformed limits, bad JSON, wrong content types, oversized bodies, invalid events, unknown routes and
 * methods, rule changes without the token. Every answer must be a 4xx; none a 5xx; and the server must
 * still be healthy and answer a good request correctly afterwards. The seed is printed for replays.
 */
class ServingFuzzIT {
    private static final int REQUESTS = 10_000;
    private static final String TOKEN = "fuzz-token";

    private record Request(String kind, String method, String path, String contentType, byte[] body, String[] headers) {}

    @Test
    void tenThousandBadRequestsGetOnly4xxAndTheServerStaysHealthy() throws Exception {
        long seed = Long.getLong("nowcast.fuzz.seed", System.nanoTime());
        System.out.println("ServingFuzzIT seed " + seed + " (replay with -Dnowcast.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        try (TestDatabase db = TestDatabase.create("fuzz");
             RedisClient redis = RedisClient.create(
                     TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
            String prefix = TestServers.uniquePrefix("fuzz");
            // Users 0..999 have keys, read once so that they are cached: bad parameters then meet users
            // whose good reads RecommendationsHandler answers from the cache.
            for (long u = 0; u < 1000; u++) {
                redis.set(new RedisKeys(prefix).recommendations(u), TestServing.key(u, List.of("p1", "p2", "p3")));
            }
            try (ServingApp app = TestServing.start(db, prefix, TOKEN)) {
                Http http = new Http("http://127.0.0.1:" + app.port());
                for (long u = 0; u < 1000; u++) {
                    assertEquals(200, http.get(ApiPaths.recommendations(u)).status());
                }
                List<Request> requests = new ArrayList<>();
                for (int i = 0; i < REQUESTS; i++) {
                    requests.add(badRequest(random));
                }
                Map<String, Integer> byKindAndStatus = Collections.synchronizedMap(new TreeMap<>());
                List<String> failures = Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.atomic.AtomicInteger retried = new java.util.concurrent.atomic.AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<?>> done = new ArrayList<>();
                for (Request r : requests) {
                    done.add(pool.submit(() -> {
                        Http.Answer a;
                        try {
                            a = http.send(r.method, r.path, r.contentType, r.body, r.headers);
                        } catch (RuntimeException first) {
                            // The server closes a connection after refusing a body unread (413); a client that
                            // picked that connection from its pool just then sees it closed and sends again.
                            retried.incrementAndGet();
                            try {
                                a = http.send(r.method, r.path, r.contentType, r.body, r.headers);
                            } catch (RuntimeException ex) {
                                failures.add(r.kind + " " + r.method + " " + clip(r.path) + ": no answer, twice (" + ex.getMessage() + ")");
                                return;
                            }
                        }
                        byKindAndStatus.merge(r.kind + " " + a.status(), 1, Integer::sum);
                        if (a.status() < 400 || a.status() >= 500) {
                            failures.add(r.kind + " " + r.method + " " + clip(r.path) + " body " + clip(r.body == null ? "" : new String(r.body, StandardCharsets.UTF_8)) + " -> " + a);
                        } else if (a.status() != 404 && a.status() != 405 && a.status() != 414 && a.status() != 431 && !a.body().contains("\"error\"") && !a.body().contains("\"message\"")) {
                            failures.add(r.kind + " answered " + a.status() + " without an error message: " + a);
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                pool.shutdown();
                System.out.println("ServingFuzzIT answers by kind and status: " + byKindAndStatus + "; sent again after a closed connection: " + retried);
                assertTrue(retried.get() < REQUESTS / 100, retried + " requests found their connection closed");
                assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())), failures.size() + " requests were not answered with a 4xx and a message");
                assertEquals(REQUESTS, byKindAndStatus.values().stream().mapToInt(Integer::intValue).sum());

                Http.Answer health = http.get(ApiPaths.HEALTH);
                assertEquals(200, health.status(), health.toString());
                Http.Answer good = http.get(ApiPaths.recommendations(42) + "?limit=5");
                assertEquals(200, good.status(), good.toString());
                assertEquals(42, good.json().get("user_id").asLong());
                String metrics = http.get(ApiPaths.METRICS).body();
                assertTrue(!metrics.contains("status=\"5"), "no 5xx in the metrics either");
            } finally {
                TestServers.deleteKeys(redis, prefix);
            }
        }
    }

    private static String clip(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static final List<Function<Random, Request>> GENERATORS = List.of(
            r -> get("bad user id", ApiPaths.RECOMMENDATIONS.replace("{userId}", enc(pick(r, badUserIds(r))))),
            r -> get("bad limit", ApiPaths.recommendations(r.nextInt(1000)) + "?limit=" + enc(pick(r, badLimits(r)))),
            r -> get("bad exclude", ApiPaths.recommendations(r.nextInt(1000)) + "?exclude=" + enc(badExclude(r))),
            r -> get("bad trending", ApiPaths.TRENDING + "?" + pick(r, List.of("window=", "limit=", "category=")) + enc(pick(r, badWindows(r)))),
            r -> get("bad product", "/api/v1/products/" + enc(randomText(r, 201 + r.nextInt(300))) + "/bought-together"),
            r -> get("unknown product", ApiPaths.boughtTogether("fuzz-" + r.nextLong())),
            r -> get("bad bought-together limit", ApiPaths.boughtTogether("p" + r.nextInt(9)) + "?limit=" + enc(pick(r, badLimits(r)))),
            r -> post("bad json", "application/json", randomBytes(r, 1 + r.nextInt(400))),
            r -> post("bad json", "application/json", truncatedJson(r)),
            r -> post("wrong content type", pick(r, List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=x", "image/png", "json")), validEvent(r).getBytes(StandardCharsets.UTF_8)),
            r -> post("no content type", null, validEvent(r).getBytes(StandardCharsets.UTF_8)),
            r -> post("oversized body", "application/json", oversized(r)),
            r -> post("too many events", "application/json", tooMany(r)),
            r -> post("deep nesting", "application/json", ("[".repeat(200 + r.nextInt(2000))).getBytes(StandardCharsets.UTF_8)),
            r -> post("invalid event", "application/json", invalidEvent(r).getBytes(StandardCharsets.UTF_8)),
            r -> post("invalid event in batch", "application/json", ("[" + validEvent(r) + "," + invalidEvent(r) + "]").getBytes(StandardCharsets.UTF_8)),
            r -> post("empty", "application/json", new byte[0]),
            r -> new Request("rule without token", pick(r, List.of("PUT", "DELETE")), "/api/v1/rules/pin/p" + r.nextInt(9), "application/json",
                    "{\"position\":1}".getBytes(StandardCharsets.UTF_8), pick(r, List.of(new String[0], new String[] {"Authorization", "Bearer wrong"}))),
            r -> new Request("bad rule", "PUT", "/api/v1/rules/" + enc(pick(r, List.of("pinn", "block", "", "PIN"))) + "/p1", "application/json",
                    "{\"position\":1}".getBytes(StandardCharsets.UTF_8), new String[] {"Authorization", "Bearer " + TOKEN}),
            r -> new Request("bad rule body", "PUT", "/api/v1/rules/pin/p" + r.nextInt(9), "application/json",
                    pick(r, List.of("{\"position\":0}", "{\"position\":\"one\"}", "{\"position\":1e9}", "[1]", "{", "{\"note\":5}", "{}")).getBytes(StandardCharsets.UTF_8),
                    new String[] {"Authorization", "Bearer " + TOKEN}),
            r -> new Request("wrong method", pick(r, List.of("DELETE", "PUT", "PATCH", "POST")), pick(r, List.of(ApiPaths.TRENDING,
                    ApiPaths.recommendations(1), ApiPaths.HEALTH, ApiPaths.METRICS)), null, null, new String[0]),
            r -> get("unknown route", "/api/v" + r.nextInt(5) + "/" + enc(randomText(r, 1 + r.nextInt(40)))));

    private static Request badRequest(Random r) {
        return GENERATORS.get(r.nextInt(GENERATORS.size())).apply(r);
    }

    private static Request get(String kind, String path) {
        return new Request(kind, "GET", path, null, null, new String[0]);
    }

    private static Request post(String kind, String contentType, byte[] body) {
        return new Request(kind, "POST", ApiPaths.EVENTS, contentType, body, new String[0]);
    }

    private static <T> T pick(Random r, List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> badUserIds(Random r) {
        return List.of("-1", "abc", "1.5", "1e9", "99999999999999999999", " 7", "0x10", "１２",
                "7".repeat(19 + r.nextInt(100)), "\u0000", "null", "%", "u" + randomText(r, r.nextInt(50)));
    }

    private static List<String> badLimits(Random r) {
        return List.of("0", "-5", "101", "1000000", "99999999999999999999", "abc", "1.5", "", " ", "1e3",
                Integer.toString(101 + r.nextInt(Integer.MAX_VALUE - 101)), randomText(r, 1 + r.nextInt(20)) + "x");
    }

    private static String badExclude(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> String.join(",", Collections.nCopies(101 + r.nextInt(200), "p"));
            case 1 -> "p1," + "x".repeat(201 + r.nextInt(500));
            default -> "p1,\u0001,p2";
        };
    }

    private static List<String> badWindows(Random r) {
        return List.of("yesterday", "2024-03-21T10:30:00", "2024-13-01T00:00:00", "2024-03-21", "0", "", "x".repeat(201 + r.nextInt(100)),
                "9999-99-99T99:00:00", "2024-03-21T10:00:00.5", "\u0002", "-1", "101", "abc");
    }

    private static String randomText(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.appendCodePoint(r.nextInt(4) == 0 ? r.nextInt(0x2FF) : 0x21 + r.nextInt(0x5E));
        }
        return b.toString();
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        b[0] = (byte) pick(r, List.of('{', '[', '"', 'x', (char) 0xFF)).charValue();
        return b;
    }

    private static byte[] truncatedJson(Random r) {
        String s = validEvent(r);
        return s.substring(0, 1 + r.nextInt(s.length() - 2)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] oversized(Random r) {
        StringBuilder b = new StringBuilder("[");
        String e = validEvent(r);
        while (b.length() < 1_100_000) {
            b.append(e).append(',');
        }
        b.append(e).append(']');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tooMany(Random r) {
        return ("[" + String.join(",", Collections.nCopies(1001 + r.nextInt(200), validEvent(r))) + "]").getBytes(StandardCharsets.UTF_8);
    }

    private static String validEvent(Random r) {
        return "{\"event_type\":\"page_view\",\"user_id\":" + r.nextInt(1000) + ",\"product_id\":\"p" + r.nextInt(50)
                + "\",\"timestamp\":\"" + Instant.now().minusSeconds(r.nextInt(600)) + "\"}";
    }

    /** A valid event with at least one change that makes it invalid. */
    private static String invalidEvent(Random r) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("event_type", "\"page_view\"");
        f.put("user_id", Integer.toString(r.nextInt(1000)));
        f.put("product_id", "\"p1\"");
        f.put("timestamp", "\"" + Instant.now() + "\"");
        switch (r.nextInt(10)) {
            case 0 -> f.remove(pick(r, List.of("event_type", "user_id", "product_id", "timestamp")));
            case 1 -> f.put("user_id", pick(r, List.of("\"12\"", "-3", "1.5", "1e30", "true", "[]", "{}", "null", "99999999999999999999999")));
            case 2 -> f.put("event_type", pick(r, List.of("\"view\"", "\"\"", "5", "null", "\"PAGE_VIEW\"", "[\"page_view\"]")));
            case 3 -> f.put("timestamp", pick(r, List.of("\"yesterday\"", "\"2024-02-30T10:00:00Z\"", "1700000000", "\"\"", "null",
                    "\"" + Instant.now().plusSeconds(3600) + "\"")));
            case 4 -> f.put("product_id", pick(r, List.of("5", "null", "\"\"", "{}", "[\"p1\"]")));
            case 5 -> f.put("quantity", pick(r, List.of("\"two\"", "1.5", "99999999999", "[]")));
            case 6 -> f.put("price", pick(r, List.of("\"cheap\"", "[]", "{}", "true")));
            case 7 -> {
                f.put("event_type", "\"search\"");
                f.remove("product_id");
            }
            case 8 -> f.put("order_id", pick(r, List.of("5", "[]", "{}", "true")));
            default -> f.put("session_id", pick(r, List.of("5", "[]", "{}", "false")));
        }
        StringBuilder b = new StringBuilder("{");
        f.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return b.append('}').toString();
    }
}
