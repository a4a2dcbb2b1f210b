package io.nowcast.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.recommend.BatchView;
import io.nowcast.recommend.CfItem;
import io.nowcast.recommend.Neighbour;
import io.nowcast.recommend.RecommendationStore;
import io.nowcast.recommend.RecommendedItem;
import io.nowcast.redis.RedisKeys;
import io.nowcast.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * What the pages show, read from Redis (and Kafka for the lag) in few round trips. Models are maps and
 * lists, which the templates read by name; every number comes straight from the keys the pipeline
 * writes, so the browser test can compare them with Redis.
 */
final class DashboardData {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int WINDOWS = 24;

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final BatchView batch;
    private final RecommendationStore store;
    private final Admin kafka;
    private final int n;

    DashboardData(UnifiedJedis redis, RedisKeys keys, Admin kafka, int n) {
        this.redis = redis;
        this.keys = keys;
        this.batch = new BatchView(redis, keys);
        this.store = new RecommendationStore(redis, keys);
        this.kafka = kafka;
        this.n = n;
    }

    // ------------------------------------------------------------------ overview

    Map<String, Object> speed() {
        Map<String, Object> m = new LinkedHashMap<>();
        String applied = redis.get(keys.speedAppliedAt());
        Long age = applied == null ? null : (System.currentTimeMillis() - Long.parseLong(applied)) / 1000;
        m.put("freshness_s", age);
        Instant stream = store.streamTime();
        m.put("stream_time", stream == null ? "none yet" : stream.toString());
        Map<String, String> progress = redis.hgetAll(keys.speedProgress());
        List<Map<String, Object>> queries = new ArrayList<>();
        for (String q : List.of("activity", "catalog", "master")) {
            if (progress.containsKey(q + ".at")) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", q);
                row.put("input", progress.get(q + ".input_rows_per_s"));
                row.put("processed", progress.get(q + ".processed_rows_per_s"));
                row.put("batch_ms", progress.get(q + ".batch_ms"));
                row.put("age_s", (System.currentTimeMillis() - Long.parseLong(progress.get(q + ".at"))) / 1000);
                queries.add(row);
            }
        }
        m.put("queries", queries);
        m.put("lag", lag());
        m.put("remerge_waiting", redis.zcard(keys.recommendationsDirty()));
        List<redis.clients.jedis.resps.Tuple> oldest = redis.zrangeWithScores(keys.recommendationsDirty(), 0, 0);
        m.put("remerge_oldest_s", oldest.isEmpty() ? null : Math.max(0, System.currentTimeMillis() - (long) oldest.get(0).getScore()) / 1000);
        m.put("dlq", new TreeMap<>(redis.hgetAll(keys.dlqCounts())));
        return m;
    }

    /** Records on user_activity the speed layer has not applied yet; null when Kafka does not answer. */
    Long lag() {
        try {
            var parts = kafka.describeTopics(List.of(Topics.USER_ACTIVITY)).allTopicNames().get(3, TimeUnit.SECONDS)
                    .get(Topics.USER_ACTIVITY).partitions();
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            parts.forEach(p -> ask.put(new TopicPartition(Topics.USER_ACTIVITY, p.partition()), OffsetSpec.latest()));
            long lag = 0;
            for (var e : kafka.listOffsets(ask).all().get(3, TimeUnit.SECONDS).entrySet()) {
                String done = redis.get(keys.activityOffset(e.getKey().partition()));
                long next = done == null ? 0 : Long.parseLong(done) + 1;
                lag += Math.max(0, e.getValue().offset() - next);
            }
            return lag;
        } catch (Exception e) {
            return null;
        }
    }

    Map<String, Object> redisInfo() {
        Map<String, Object> m = new LinkedHashMap<>();
        String info = redis.info("memory");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory_human:")) {
                m.put("memory", line.substring(line.indexOf(':') + 1).trim());
            }
        }
        m.put("key_count", redis.dbSize());
        m.put("products", redis.scard(keys.products()));
        m.put("categories", redis.scard(keys.categories()));
        m.put("users_with_key", redis.zcard(keys.recommendedUsers()));
        m.put("batch_version", batch.currentVersion().orElse("none"));
        m.put("run_requests", runRequests());
        return m;
    }

    /** Batch runs asked for and not yet started by the scheduler. */
    long runRequests() {
        return redis.llen(keys.batchRunRequests());
    }

    /** Totals for the overview's rate chart: events applied, by kind, and dead letters, by reason. */
    long eventsApplied() {
        long total = 0;
        for (var e : redis.hgetAll(keys.speedCounts()).entrySet()) {
            if (e.getKey().length() == 1) {
                total += Long.parseLong(e.getValue());
            }
        }
        return total;
    }

    Map<String, Long> dlqCounts() {
        Map<String, Long> out = new TreeMap<>();
        redis.hgetAll(keys.dlqCounts()).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    // ------------------------------------------------------------------ trending

    /** The newest windows first, at most {@link #WINDOWS}. */
    List<String> windows() {
        return redis.zrevrange(keys.trendingWindows(), 0, WINDOWS - 1);
    }

    static Instant windowStart(String text) {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }

    /** A window's top 10 (optionally of one category): product, name, category, views; ties by product id. */
    List<Map<String, Object>> top(String window, String category) {
        List<Tuple> ranked = redis.zrevrangeWithScores(keys.trendingCounts(windowStart(window)), 0, category == null ? 199 : 4_999);
        List<Tuple> sorted = new ArrayList<>(ranked);
        sorted.sort((a, b) -> a.getScore() != b.getScore() ? Double.compare(b.getScore(), a.getScore()) : a.getElement().compareTo(b.getElement()));
        Map<String, Map<String, String>> details = products(sorted.stream().map(Tuple::getElement).toList());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Tuple t : sorted) {
            Map<String, String> d = details.get(t.getElement());
            if (category != null && (d == null || !category.equals(d.get("category")))) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("product_id", t.getElement());
            row.put("name", d == null ? "(not in the catalog)" : d.get("name"));
            row.put("category", d == null ? "" : d.get("category"));
            row.put("views", (long) t.getScore());
            out.add(row);
            if (out.size() == 10) {
                break;
            }
        }
        return out;
    }

    /** Views per window (oldest first) of each product, over the given windows. */
    Map<String, List<Long>> viewsOver(List<String> products, List<String> windowsNewestFirst) {
        List<String> windows = new ArrayList<>(windowsNewestFirst);
        java.util.Collections.reverse(windows);
        Map<String, List<Response<Double>>> r = new LinkedHashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (String product : products) {
                List<Response<Double>> row = new ArrayList<>();
                for (String w : windows) {
                    row.add(p.zscore(keys.trendingCounts(windowStart(w)), product));
                }
                r.put(product, row);
            }
            p.sync();
        }
        Map<String, List<Long>> out = new LinkedHashMap<>();
        r.forEach((product, row) -> out.put(product, row.stream().map(x -> x.get() == null ? 0L : x.get().longValue()).toList()));
        return out;
    }

    List<String> categories() {
        return redis.smembers(keys.categories()).stream().sorted().toList();
    }

    // ------------------------------------------------------------------ products

    Map<String, Map<String, String>> products(List<String> ids) {
        Map<String, Response<Map<String, String>>> r = new LinkedHashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> r.put(id, p.hgetAll(keys.product(id))));
            p.sync();
        }
        Map<String, Map<String, String>> out = new HashMap<>();
        r.forEach((id, v) -> {
            if (!v.get().isEmpty()) {
                out.put(id, v.get());
            }
        });
        return out;
    }

    Map<String, String> product(String id) {
        return redis.hgetAll(keys.product(id));
    }

    /** The live version's neighbours, with names. */
    List<Map<String, Object>> neighbours(String productId) {
        List<Neighbour> list = batch.neighbours(productId);
        Map<String, Map<String, String>> names = products(list.stream().map(Neighbour::productId).toList());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Neighbour nb : list) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("product_id", nb.productId());
            row.put("name", names.containsKey(nb.productId()) ? names.get(nb.productId()).get("name") : "(not in the catalog)");
            row.put("support", nb.support());
            row.put("lift", String.format(java.util.Locale.ROOT, "%.2f", nb.lift()));
            row.put("llr", String.format(java.util.Locale.ROOT, "%.2f", nb.llr()));
            out.add(row);
        }
        return out;
    }

    // ------------------------------------------------------------------ users

    Map<String, Object> user(long userId) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> interests = new TreeMap<>();
        redis.hgetAll(keys.interest(userId)).forEach((k, v) -> interests.put(k, Long.parseLong(v)));
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(interests.entrySet());
        sorted.sort((a, b) -> !a.getValue().equals(b.getValue()) ? Long.compare(b.getValue(), a.getValue()) : a.getKey().compareTo(b.getKey()));
        List<Map<String, Object>> interestRows = new ArrayList<>();
        sorted.forEach(e -> interestRows.add(Map.of("category", e.getKey(), "views", e.getValue())));
        m.put("interests", interestRows);
        List<Map<String, Object>> events = new ArrayList<>();
        events(events, "viewed", redis.zrevrangeWithScores(keys.viewed(userId), 0, 19));
        events(events, "carted", redis.zrevrangeWithScores(keys.carted(userId), 0, 19));
        events(events, "bought", redis.zrevrangeWithScores(keys.bought(userId), 0, 19));
        events.sort((a, b) -> ((String) b.get("at")).compareTo((String) a.get("at")));
        m.put("events", events.subList(0, Math.min(30, events.size())));

        String json = redis.get(keys.recommendations(userId));
        List<Map<String, Object>> merged = new ArrayList<>();
        if (json != null) {
            try {
                JsonNode j = MAPPER.readTree(json);
                for (JsonNode i : j.path("items")) {
                    merged.add(item(i.path("product_id").asText(), i.path("source").asText(), i.path("reason").asText(), i.path("score").asDouble()));
                }
                m.put("generated_at", j.path("generated_at").asText(""));
                m.put("stream_time", j.path("stream_time").asText(""));
                m.put("batch_version", j.path("batch_version").asText(""));
                m.put("rules_version", j.path("rules_version").asText(""));
            } catch (java.io.IOException e) {
                m.put("key_error", "the key is not valid JSON: " + e.getMessage());
            }
        }
        m.put("has_key", json != null);
        m.put("merged", merged);
        List<Map<String, Object>> speedOnly = new ArrayList<>();
        for (RecommendedItem i : store.speedOnly(userId, n)) {
            speedOnly.add(item(i.productId(), i.source(), i.reason(), i.score()));
        }
        m.put("speed", speedOnly);
        List<Map<String, Object>> batchOnly = new ArrayList<>();
        String version = batch.currentVersion().orElse(null);
        if (version != null) {
            for (CfItem c : batch.cf(version, userId)) {
                batchOnly.add(item(c.productId(), "batch_cf", "because of " + c.because() + " (" + c.support() + " baskets)", c.score()));
            }
            m.put("batch_published_at", batch.meta(version).getOrDefault("published_at", ""));
        }
        m.put("live_version", version == null ? "none" : version);
        m.put("batch", batchOnly);
        String applied = redis.get(keys.speedAppliedAt());
        m.put("speed_applied_at", applied == null ? "never" : Instant.ofEpochMilli(Long.parseLong(applied)).toString());
        return m;
    }

    private static void events(List<Map<String, Object>> out, String kind, List<Tuple> tuples) {
        for (Tuple t : tuples) {
            out.add(Map.of("kind", kind, "product_id", t.getElement(), "at", Instant.ofEpochMilli((long) t.getScore()).toString()));
        }
    }

    private static Map<String, Object> item(String product, String source, String reason, double score) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("product_id", product);
        m.put("source", source);
        m.put("reason", reason);
        m.put("score", String.format(java.util.Locale.ROOT, "%.2f", score));
        return m;
    }

    void requestBatchRun(String user) {
        redis.lpush(keys.batchRunRequests(), user);
    }

    static String age(Duration d) {
        long s = d.toSeconds();
        return s < 120 ? s + " s" : s < 7_200 ? s / 60 + " min" : s < 172_800 ? s / 3_600 + " h" : s / 86_400 + " days";
    }
}
