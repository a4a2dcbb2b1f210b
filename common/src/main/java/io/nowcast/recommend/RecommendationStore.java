package io.nowcast.recommend;

import io.nowcast.redis.RedisKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Reads what recommendations depend on and writes the per-user key. The only class outside the
 * speed layer's writers that touches Jedis for recommendations; callers see domain types. Every read
 * is pipelined across all the users asked for, in five round trips whatever their number.
 */
public final class RecommendationStore {
    /** How long a per-user key lives after its last write. */
    public static final Duration RECOMMENDATION_TTL = Duration.ofDays(7);
    private static final long DAY_MS = 86_400_000L;

    private final UnifiedJedis redis;
    private final RedisKeys keys;

    public RecommendationStore(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Stream time: the newest event time the speed layer applied, or null before the first. */
    public Instant streamTime() {
        String s = redis.get(keys.streamTime());
        return s == null ? null : Instant.ofEpochMilli((long) Double.parseDouble(s));
    }

    /**
     * How many of a category's best products one read takes for all users at once. A user who viewed or
     * bought so many of them that fewer than {@code n} remain is read again with a range of their own.
     */
    static final int SHARED_RANGE_SLACK = 100;

    /** The inputs of the speed recommendations of each user, enough to fill {@code n} items. */
    public Map<Long, SpeedInputs> speedInputs(List<Long> users, int n) {
        return speedInputs(users, n, false);
    }

    /**
     * @param perUser size each category's range by the user's viewed and bought products (exact for
     *     heavy viewers), instead of one range shared by every user in the call
     */
    Map<Long, SpeedInputs> speedInputs(List<Long> users, int n, boolean perUser) {
        Instant stream = streamTime();
        long now = stream == null ? 0 : stream.toEpochMilli();
        String latest = latestWindow();

        Map<Long, Response<Map<String, String>>> interests = new HashMap<>();
        Map<Long, Response<List<String>>> viewed = new HashMap<>();
        Map<Long, Response<List<String>>> bought = new HashMap<>();
        Response<Map<String, String>> trendingTop;
        try (AbstractPipeline p = redis.pipelined()) {
            for (long u : users) {
                interests.put(u, p.hgetAll(keys.interest(u)));
                viewed.put(u, p.zrangeByScore(keys.viewed(u), "(" + (now - DAY_MS), "+inf"));
                bought.put(u, p.zrangeByScore(keys.bought(u), "-inf", "+inf"));
            }
            trendingTop = latest == null ? null : p.hgetAll(keys.trending(java.time.LocalDateTime.parse(latest).toInstant(java.time.ZoneOffset.UTC)));
            p.sync();
        }

        Map<Long, Map<String, Long>> interestOf = new HashMap<>();
        Map<String, Integer> needed = new LinkedHashMap<>();
        for (long u : users) {
            Map<String, Long> counts = new HashMap<>();
            interests.get(u).get().forEach((c, v) -> counts.put(c, Long.parseLong(v)));
            interestOf.put(u, counts);
            int need = perUser ? n + viewed.get(u).get().size() + bought.get(u).get().size() : n + SHARED_RANGE_SLACK;
            for (Map.Entry<String, Long> c : SpeedRecommendations.topCategories(counts)) {
                needed.merge(c.getKey(), need, Math::max);
            }
        }
        Map<String, List<ScoredProduct>> ranked = rankCategories(needed);

        List<ScoredProduct> trending = new ArrayList<>();
        if (trendingTop != null) {
            trendingTop.get().forEach((pid, c) -> trending.add(new ScoredProduct(pid, Double.parseDouble(c))));
            trending.sort(ScoredProduct.BEST_FIRST);
        }
        Set<String> candidates = new LinkedHashSet<>();
        ranked.values().forEach(l -> l.forEach(sp -> candidates.add(sp.productId())));
        trending.forEach(sp -> candidates.add(sp.productId()));
        Set<String> available = available(candidates);

        Map<Long, SpeedInputs> out = new LinkedHashMap<>();
        for (long u : users) {
            Map<String, List<ScoredProduct>> mine = new HashMap<>();
            for (Map.Entry<String, Long> c : SpeedRecommendations.topCategories(interestOf.get(u))) {
                mine.put(c.getKey(), ranked.getOrDefault(c.getKey(), List.of()));
            }
            out.put(u, new SpeedInputs(u, interestOf.get(u), new HashSet<>(viewed.get(u).get()),
                    new HashSet<>(bought.get(u).get()), mine, available, trending));
        }
        return out;
    }

    /** The start text of the newest trending window, or null before any view. */
    public String latestWindow() {
        List<String> w = redis.zrevrange(keys.trendingWindows(), 0, 0);
        return w.isEmpty() ? null : w.get(0);
    }

    /**
     * Each category's best {@code need} products by (popularity descending, product id ascending). Redis
     * orders ties by member descending in reverse ranges, so the lowest score's ties are re-read in order.
     */
    private Map<String, List<ScoredProduct>> rankCategories(Map<String, Integer> needed) {
        Map<String, Response<List<Tuple>>> tops = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            needed.forEach((c, need) -> tops.put(c, p.zrevrangeWithScores(keys.category(c), 0, need - 1)));
            p.sync();
        }
        Map<String, Response<List<Tuple>>> ties = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            tops.forEach((c, r) -> {
                List<Tuple> t = r.get();
                if (!t.isEmpty()) {
                    double lowest = t.get(t.size() - 1).getScore();
                    ties.put(c, p.zrangeByScoreWithScores(keys.category(c), lowest, lowest, 0, needed.get(c)));
                }
            });
            p.sync();
        }
        Map<String, List<ScoredProduct>> out = new HashMap<>();
        tops.forEach((c, r) -> {
            List<Tuple> t = r.get();
            List<ScoredProduct> list = new ArrayList<>();
            if (!t.isEmpty()) {
                double lowest = t.get(t.size() - 1).getScore();
                t.stream().filter(x -> x.getScore() > lowest).forEach(x -> list.add(new ScoredProduct(x.getElement(), x.getScore())));
                list.sort(ScoredProduct.BEST_FIRST);
                ties.get(c).get().forEach(x -> list.add(new ScoredProduct(x.getElement(), x.getScore())));
            }
            out.put(c, list.subList(0, Math.min(list.size(), needed.get(c))));
        });
        return out;
    }

    /** Which of these products are in the catalog and in stock. */
    private Set<String> available(Set<String> products) {
        Map<String, Response<List<String>>> stock = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            products.forEach(pid -> stock.put(pid, p.hmget(keys.product(pid), "in_stock")));
            p.sync();
        }
        Set<String> out = new HashSet<>();
        stock.forEach((pid, r) -> {
            if ("true".equals(r.get().get(0))) {
                out.add(pid);
            }
        });
        return out;
    }

    /**
     * Whether a shared range may have cut off products this user needs: fewer than {@code n} of a full
     * range's products are left once the user's viewed and bought ones are taken out.
     */
    private static boolean mayHaveMissed(SpeedInputs in, int n) {
        for (List<ScoredProduct> ranked : in.byCategory().values()) {
            if (ranked.size() < n + SHARED_RANGE_SLACK) {
                continue;
            }
            long left = ranked.stream().filter(p -> !in.viewed().contains(p.productId()) && !in.bought().contains(p.productId())).count();
            if (left < n) {
                return true;
            }
        }
        return false;
    }

    /** Writes each user's key (JSON), with the TTL, in one pipeline. */
    public void writeRecommendations(Map<Long, String> jsonByUser) {
        try (AbstractPipeline p = redis.pipelined()) {
            jsonByUser.forEach((u, json) -> p.setex(keys.recommendations(u), RECOMMENDATION_TTL.toSeconds(), json));
            p.sync();
        }
    }

    /** Recomputes and writes the speed recommendations of these users; returns how many were written. */
    public int refreshSpeed(List<Long> users, int n) {
        if (users.isEmpty()) {
            return 0;
        }
        Instant stream = streamTime();
        Instant now = Instant.now();
        Map<Long, String> json = new LinkedHashMap<>();
        List<Long> heavy = new ArrayList<>();
        speedInputs(users, n, false).forEach((u, in) -> {
            if (mayHaveMissed(in, n)) {
                heavy.add(u);
            } else {
                json.put(u, RecommendationJson.write(u, SpeedRecommendations.compute(in, n), now, stream));
            }
        });
        if (!heavy.isEmpty()) {
            speedInputs(heavy, n, true).forEach((u, in) ->
                    json.put(u, RecommendationJson.write(u, SpeedRecommendations.compute(in, n), now, stream)));
        }
        writeRecommendations(json);
        return json.size();
    }
}
