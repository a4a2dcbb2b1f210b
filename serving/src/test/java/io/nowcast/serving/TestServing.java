package io.nowcast.serving;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.db.TestDatabase;
import io.nowcast.recommend.RecommendationJson;
import io.nowcast.recommend.RecommendedItem;
import io.nowcast.testing.TestServers;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The API on a free port over the test servers, with its own key prefix and database. */
final class TestServing {
    private TestServing() {}

    static ServingApp start(TestDatabase db, String prefix, String adminToken) {
        Endpoints e = db.endpoints();
        Map<String, String> env = new HashMap<>();
        env.put(Endpoints.KAFKA_BOOTSTRAP, TestServers.kafka());
        env.put(Endpoints.REDIS_HOST, TestServers.redis().redisHost());
        env.put(Endpoints.REDIS_PORT, Integer.toString(TestServers.redis().redisPort()));
        env.put(Endpoints.REDIS_PREFIX, prefix);
        env.put(Endpoints.PG_URL, e.postgresUrl());
        env.put(Endpoints.PG_USER, e.postgresUser());
        env.put("NOWCAST_SERVING_PORT", "0");
        env.put("NOWCAST_ADMIN_TOKEN", adminToken);
        return ServingApp.start(ServingConfig.from(new Env(env)));
    }

    /** A per-user key as the merge writes it, of these products (speed source), under rules version 0. */
    static String key(long user, List<String> products) {
        List<RecommendedItem> items = products.stream()
                .map(p -> new RecommendedItem(p, "speed", "popular in test (" + p.length() + " views in 24 h)", 1.0 / p.length()))
                .toList();
        return RecommendationJson.write(user, items, Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-28T23:59:59Z"), null, 0);
    }
}
