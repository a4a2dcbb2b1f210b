package io.nowcast.recommend;

import io.nowcast.redis.RedisKeys;
import java.nio.charset.StandardCharsets;
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
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Reads what recommendations depend on and writes the per-user key. The only class outside the
 * speed layer's writers that touches Jedis for recommendations; callers see domain types. Every read
 * is pipelined across all the users asked for, in a few round trips whatever their number, and
 * nothing is read twice in one call.
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
        return instant(redis.get(keys.streamTime()));
    }

    private static Instant instant(String streamTime) {
        return streamTime == null ? null : Instant.ofEpochMilli((long) Double.parseDouble(streamTime));
    }

    /**
     * How many of a category's best products one read takes for all users at once. A user who viewed or
     * bought so many of them that fewer than {@code n} remain is read again with a range of their own.
     */
    static final int SHARED_RANGE_SLACK = 100;

    /** What a merge reads of one user for the speed list: their interests, viewed products (24 h) and purchases. */
    private record UserState(List<Map.Entry<String, Long>> topCategories, Set<String> viewed, List<Tuple> bought, Set<String> boughtIds) {
    }

    /**
     * Reads each user's speed state (and, for a merge, their CF list and carts), and the newest trending
     * window's top, in one pipeline; the trending top goes to {@code reads}.
     */
    private Map<Long, UserState> readUsers(List<Long> users, Reads reads) {
        long now = reads.stream == null ? 0 : reads.stream.toEpochMilli();
        String latest = reads.latestWindow;

        Map<Long, Response<Map<String, String>>> interests = new HashMap<>();
        Map<Long, Response<List<String>>> viewed = new HashMap<>();
        Map<Long, Response<List<Tuple>>> bought = new HashMap<>();
        Map<Long, Response<String>> cf = new HashMap<>();
        Map<Long, Response<List<Tuple>>> carted = new HashMap<>();
        Response<Map<String, String>> trendingTop;
        try (AbstractPipeline p = redis.pipelined()) {
            for (long u : users) {
                interests.put(u, p.hgetAll(keys.interest(u)));
                viewed.put(u, p.zrangeByScore(keys.viewed(u), "(" + (now - DAY_MS), "+inf"));
                bought.put(u, p.zrangeByScoreWithScores(keys.bought(u), "-inf", "+inf"));
                if (reads.batchVersion != null && !reads.cf.containsKey(u)) {
                    // The merge's own per-user reads ride along: one round trip fewer.
                    cf.put(u, p.hget(keys.cf(reads.batchVersion), Long.toString(u)));
                    carted.put(u, p.zrangeByScoreWithScores(keys.carted(u), "(" + reads.cartedSince, "+inf"));
                }
            }
            trendingTop = latest == null ? null : p.hgetAll(keys.trending(java.time.LocalDateTime.parse(latest).toInstant(java.time.ZoneOffset.UTC)));
            p.sync();
        }
        cf.forEach((u, r) -> reads.cf.put(u, r.get()));
        carted.forEach((u, r) -> reads.carted.put(u, r.get()));

        List<ScoredProduct> trending = new ArrayList<>();
        if (trendingTop != null) {
            trendingTop.get().forEach((pid, c) -> trending.add(new ScoredProduct(pid, Double.parseDouble(c))));
            trending.sort(ScoredProduct.BEST_FIRST);
        }
        reads.trending = trending;

        Map<Long, UserState> out = new HashMap<>();
        for (long u : users) {
            List<Tuple> b = bought.get(u).get();
            reads.bought.put(u, b);
            Set<String> boughtIds = new HashSet<>();
            b.forEach(t -> boughtIds.add(t.getElement()));
            out.put(u, new UserState(SpeedRecommendations.topCategoriesOfStored(interests.get(u).get()),
                    new HashSet<>(viewed.get(u).get()), b, boughtIds));
        }
        return out;
    }

    /**
     * The speed inputs of these users from their state: each category's ranking read once for all of them
     * (ranges of {@code n} + {@link #SHARED_RANGE_SLACK}), or, with {@code perUser}, as long as the
     * heaviest of them needs (n plus their viewed and bought products: exact for heavy viewers).
     */
    private Map<Long, SpeedInputs> assemble(List<Long> users, int n, boolean perUser, Map<Long, UserState> state, Reads reads) {
        Map<String, Integer> needed = new LinkedHashMap<>();
        for (long u : users) {
            UserState s = state.get(u);
            int need = perUser ? n + s.viewed().size() + s.bought().size() : n + SHARED_RANGE_SLACK;
            for (Map.Entry<String, Long> c : s.topCategories()) {
                needed.merge(c.getKey(), need, Math::max);
            }
        }
        Map<String, List<ScoredProduct>> ranked = rankCategories(needed);

        Set<String> candidates = new LinkedHashSet<>();
        ranked.values().forEach(l -> l.forEach(sp -> candidates.add(sp.productId())));
        reads.trending.forEach(sp -> candidates.add(sp.productId()));
        reads.fetchFacts(candidates);
        Set<String> available = reads.inStock;

        Map<Long, SpeedInputs> out = new LinkedHashMap<>();
        for (long u : users) {
            UserState s = state.get(u);
            Map<String, List<ScoredProduct>> mine = new HashMap<>();
            for (Map.Entry<String, Long> c : s.topCategories()) {
                mine.put(c.getKey(), ranked.getOrDefault(c.getKey(), List.of()));
            }
            out.put(u, new SpeedInputs(u, s.topCategories(), s.viewed(), s.boughtIds(), mine, available, reads.trending));
        }
        return out;
    }

    /** The speed layer's own list for one user, before the merge (the dashboard shows it beside the merged one). */
    public List<RecommendedItem> speedOnly(long userId, int n) {
        Reads reads = new Reads(streamTime(), latestWindow(), null);
        return SpeedRecommendations.compute(speedInputsExact(List.of(userId), n, reads).get(userId), n);
    }

    /** The start text of the newest trending window, or null before any view. */
    public String latestWindow() {
        List<String> w = redis.zrevrange(keys.trendingWindows(), 0, 0);
        return w.isEmpty() ? null : w.get(0);
    }

    /**
     * Each category's best {@code need} products by (popularity descending, product id ascending). Redis
     * orders ties by member descending in reverse ranges, so where a range came back full, the lowest
     * score's ties are re-read in order.
     */
    private Map<String, List<ScoredProduct>> rankCategories(Map<String, Integer> needed) {
        Map<String, Response<List<Tuple>>> tops = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            needed.forEach((c, need) -> tops.put(c, p.zrevrangeWithScores(keys.category(c), 0, need - 1)));
            p.sync();
        }
        // A range shorter than asked holds the whole category, ties and all: sorted here, it needs no
        // second read. Only a full range may have cut a tie at its lowest score in Redis's order.
        Map<String, Response<List<Tuple>>> ties = new HashMap<>();
        tops.forEach((c, r) -> {
            if (r.get().size() >= needed.get(c)) {
                ties.put(c, null);
            }
        });
        if (!ties.isEmpty()) {
            try (AbstractPipeline p = redis.pipelined()) {
                ties.replaceAll((c, none) -> {
                    List<Tuple> t = tops.get(c).get();
                    double lowest = t.get(t.size() - 1).getScore();
                    return p.zrangeByScoreWithScores(keys.category(c), lowest, lowest, 0, needed.get(c));
                });
                p.sync();
            }
        }
        Map<String, List<ScoredProduct>> out = new HashMap<>();
        tops.forEach((c, r) -> {
            List<Tuple> t = r.get();
            List<ScoredProduct> list = new ArrayList<>();
            if (!ties.containsKey(c)) {
                t.forEach(x -> list.add(new ScoredProduct(x.getElement(), x.getScore())));
                list.sort(ScoredProduct.BEST_FIRST);
            } else {
                double lowest = t.get(t.size() - 1).getScore();
                t.stream().filter(x -> x.getScore() > lowest).forEach(x -> list.add(new ScoredProduct(x.getElement(), x.getScore())));
                list.sort(ScoredProduct.BEST_FIRST);
                ties.get(c).get().forEach(x -> list.add(new ScoredProduct(x.getElement(), x.getScore())));
            }
            out.put(c, list.subList(0, Math.min(list.size(), needed.get(c))));
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

    /**
     * A write time as {@code recommendations:users} keeps it: rounded up to the minute, so that the many
     * re-merges of an active user within a minute leave the index as it is (Redis then only compares the
     * score, where a new one moves the user's entry in the sorted set: a round's 256-member ZADD into an
     * index of 20,000 users took 192–197 µs of Redis when every score moved, 53–59 µs when none did). An entry is at most a minute later than its key's write, never earlier, so pruning
     * entries older than the key's TTL never drops a user whose key still exists.
     */
    static long indexTime(long writtenAtMs) {
        return Math.floorDiv(writtenAtMs + 59_999, 60_000) * 60_000;
    }

    /** Writes each user's key (JSON), with the TTL, and notes them in the index of users with a key, in one pipeline. */
    public void writeRecommendations(Map<Long, String> jsonByUser) {
        Map<Long, byte[]> utf8 = new LinkedHashMap<>();
        jsonByUser.forEach((u, json) -> utf8.put(u, json.getBytes(StandardCharsets.UTF_8)));
        writeUtf8(utf8, null);
    }

    /**
     * The same from UTF-8; then, in the same pipeline, deletes {@code releaseFrom} if it is not null (the
     * refresher's claimed round: exactly the users written here).
     */
    private void writeUtf8(Map<Long, byte[]> jsonByUser, String releaseFrom) {
        if (jsonByUser.isEmpty()) {
            return;
        }
        double now = indexTime(System.currentTimeMillis());
        Map<String, Double> written = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            jsonByUser.forEach((u, json) -> {
                p.setex(SafeEncoder.encode(keys.recommendations(u)), RECOMMENDATION_TTL.toSeconds(), json);
                written.put(Long.toString(u), now);
            });
            p.zadd(keys.recommendedUsers(), written);
            if (releaseFrom != null) {
                // After the keys in the same pipeline: Redis applies them in order, so a user leaves only once written.
                p.del(releaseFrom);
            }
            p.sync();
        }
    }

    /**
     * Writes each user's key only where it does not exist yet (with the TTL, noted in the index), in one
     * pipeline; returns how many were written. For merges made outside the refresher, which stays the
     * writer of every key that exists: a user without a key still waits in its queue (their events put
     * them there), so it rewrites the key from newer inputs, and a key it wrote first is never replaced by
     * an older merge.
     */
    public int writeRecommendationsIfAbsent(Map<Long, String> jsonByUser) {
        if (jsonByUser.isEmpty()) {
            return 0;
        }
        double now = indexTime(System.currentTimeMillis());
        Map<Long, Response<String>> set = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            jsonByUser.forEach((u, json) -> set.put(u, p.set(keys.recommendations(u), json,
                    SetParams.setParams().nx().ex(RECOMMENDATION_TTL.toSeconds()))));
            p.sync();
        }
        Map<String, Double> written = new HashMap<>();
        set.forEach((u, r) -> {
            if ("OK".equals(r.get())) {
                written.put(Long.toString(u), now);
            }
        });
        if (!written.isEmpty()) {
            redis.zadd(keys.recommendedUsers(), written);
        }
        return written.size();
    }

    /** Recomputes the merged list of these users and writes their keys; returns how many were written. */
    public int refresh(List<Long> users, int n) {
        return refresh(users, n, null);
    }

    /** The same, taking catalog facts from {@code cache} where it has them (the refresher, which calls this many times a second). */
    public int refresh(List<Long> users, int n, FactsCache cache) {
        return refresh(users, n, cache, null);
    }

    /**
     * The same, and once their keys are written, deletes {@code releaseFrom} (the refresher's set of the
     * users it is merging: exactly {@code users}), in the writes' own round trip.
     */
    public int refresh(List<Long> users, int n, FactsCache cache, String releaseFrom) {
        if (users.isEmpty()) {
            return 0;
        }
        Map<Long, byte[]> json = merged(users, n, cache);
        writeUtf8(json, releaseFrom);
        return json.size();
    }

    /**
     * The merged list of each user (DESIGN.md, "Merge") as the JSON of their key, without writing it.
     * A user Nowcast knows nothing about gets the trending fallback.
     */
    public Map<Long, String> compute(List<Long> users, int n) {
        Map<Long, String> out = new LinkedHashMap<>();
        merged(users, n, null).forEach((u, json) -> out.put(u, new String(json, StandardCharsets.UTF_8)));
        return out;
    }

    /** {@link #compute}'s JSON as UTF-8, as Redis keeps it. */
    private Map<Long, byte[]> merged(List<Long> users, int n, FactsCache cache) {
        Response<String> streamR;
        Response<String> catalogR;
        Response<String> versionR;
        Response<String> rulesR;
        Response<List<String>> windowR;
        try (AbstractPipeline p = redis.pipelined()) {
            streamR = p.get(keys.streamTime());
            catalogR = p.get(keys.catalogVersion()); // before any fact is read: a change after it empties the cache next time
            versionR = p.get(keys.batchCurrent());
            rulesR = p.get(keys.rules());
            windowR = p.zrevrange(keys.trendingWindows(), 0, 0);
            p.sync();
        }
        Instant stream = instant(streamR.get());
        Instant now = Instant.now();
        String version = versionR.get();
        long since = (stream == null ? 0 : stream.toEpochMilli()) - DAY_MS;
        List<String> window = windowR.get();
        Reads reads = new Reads(stream, window.isEmpty() ? null : window.get(0), cache == null ? null : cache.at(catalogR.get()));
        reads.mergeReads(version, since);
        // Blocks and exclusions may remove speed items after the fact, so the speed list is read twice as long.
        Map<Long, SpeedInputs> speed = speedInputsExact(users, 2 * n, reads);
        MerchandisingRules rules = RulesJson.read(rulesR.get());

        Map<Long, List<CfItem>> cf = new HashMap<>();
        Map<Long, List<String>> recent = new HashMap<>();
        Set<String> recentProducts = new LinkedHashSet<>();
        for (long u : users) {
            String c = reads.cf.get(u);
            cf.put(u, c == null ? List.of() : BatchJson.cf(c));
            List<String> r = version == null ? List.of() : newestFirst(reads.carted.get(u), since(reads.bought.get(u), since));
            recent.put(u, r);
            recentProducts.addAll(r);
        }
        Map<String, List<Neighbour>> neighbours = neighbours(version, recentProducts);

        // The speed candidates' facts were read with the speed inputs (the same ranges for every user).
        Set<String> candidates = new LinkedHashSet<>(rules.pins().keySet());
        for (long u : users) {
            cf.get(u).forEach(c -> candidates.add(c.productId()));
            recent.get(u).forEach(r -> neighbours.getOrDefault(r, List.of()).forEach(nb -> candidates.add(nb.productId())));
        }
        reads.fetchFacts(candidates);
        Map<String, MergeInputs.ProductFacts> facts = reads.facts;

        RecommendationJson.Round round = RecommendationJson.Round.of(now, stream, version, rules.version());
        Map<Long, byte[]> out = new LinkedHashMap<>();
        for (long u : users) {
            SpeedInputs in = speed.get(u);
            Map<String, List<Neighbour>> mine = new LinkedHashMap<>();
            recent.get(u).forEach(r -> mine.put(r, neighbours.getOrDefault(r, List.of())));
            MergeInputs merge = new MergeInputs(cf.get(u), mine, SpeedRecommendations.compute(in, 2 * n), in.bought(), facts, rules);
            out.put(u, RecommendationJson.utf8(u, RecommendationMerger.merge(merge, n), round));
        }
        return out;
    }

    /**
     * The list of a user Nowcast knows nothing about: trending, with the rules applied. It is the merge of
     * a user id no event can carry (user ids are non-negative; EventJson rejects the rest), so it follows
     * exactly the same rules as everyone else's list. Its {@code user_id} is -1.
     */
    public String fallback(int n) {
        return compute(List.of(NO_USER), n).get(NO_USER);
    }

    private static final long NO_USER = -1;

    /**
     * The keys of what a merge would use about this user (interests, views, purchases, carts): Nowcast
     * knows the user if any of them exists (callers ask with one {@code EXISTS}, pipelined).
     */
    public String[] stateKeys(long userId) {
        return new String[] {keys.interest(userId), keys.viewed(userId), keys.bought(userId), keys.carted(userId)};
    }

    /**
     * The speed inputs of each user: their state read once, with shared category ranges, and ranges of
     * their own for heavy viewers (whose viewed and bought products may fill a shared range).
     */
    private Map<Long, SpeedInputs> speedInputsExact(List<Long> users, int n, Reads reads) {
        Map<Long, UserState> state = readUsers(users, reads);
        Map<Long, SpeedInputs> out = assemble(users, n, false, state, reads);
        List<Long> heavy = new ArrayList<>();
        out.forEach((u, in) -> {
            if (mayHaveMissed(in, n)) {
                heavy.add(u);
            }
        });
        if (!heavy.isEmpty()) {
            out.putAll(assemble(heavy, n, true, state, reads));
        }
        return out;
    }

    /** Carted and bought products, newest first, each once. */
    private static List<String> newestFirst(List<Tuple> carted, List<Tuple> bought) {
        List<Tuple> all = new ArrayList<>(carted);
        all.addAll(bought);
        all.sort(java.util.Comparator.comparingDouble(Tuple::getScore).reversed().thenComparing(Tuple::getElement));
        Set<String> seen = new LinkedHashSet<>();
        all.forEach(t -> seen.add(t.getElement()));
        return new ArrayList<>(seen);
    }

    /** The bought-together neighbours of these products in one batch version. */
    private Map<String, List<Neighbour>> neighbours(String version, Set<String> products) {
        Map<String, List<Neighbour>> out = new HashMap<>();
        if (version == null || products.isEmpty()) {
            return out;
        }
        Map<String, Response<String>> r = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            products.forEach(pid -> r.put(pid, p.hget(keys.copurchase(version), pid)));
            p.sync();
        }
        r.forEach((pid, json) -> {
            if (json.get() != null) {
                out.put(pid, BatchJson.neighbours(json.get()));
            }
        });
        return out;
    }

    /** The purchases newer than {@code since} (ms): the bought-together inputs among all within the look-back. */
    private static List<Tuple> since(List<Tuple> bought, long since) {
        List<Tuple> out = new ArrayList<>();
        for (Tuple t : bought) {
            if (t.getScore() > since) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * What one merge call has read so far, so that nothing is read twice: stream time, the newest
     * trending window, each user's purchases (with their times) and, for a merge, their CF list and carts,
     * and each product's catalog facts.
     */
    private final class Reads {
        final Instant stream;
        /** The newest trending window's start text, or null before any view. */
        final String latestWindow;
        final Map<Long, List<Tuple>> bought = new HashMap<>();
        /** The newest trending window's top, best first (empty before any view), read with the users' state. */
        List<ScoredProduct> trending = List.of();
        /** Set by {@link #mergeReads}: the batch version whose CF lists to read (null: none) and the carts' start (ms). */
        String batchVersion;
        long cartedSince;
        /** Each user's CF list JSON (null: none) and carts since {@link #cartedSince}, read with the speed inputs. */
        final Map<Long, String> cf = new HashMap<>();
        final Map<Long, List<Tuple>> carted = new HashMap<>();
        /** Category and stock of each product in the catalog; deleted and unknown ones are left out. */
        final Map<String, MergeInputs.ProductFacts> facts = new HashMap<>();
        /** Products whose hash says in stock (what the speed list may offer). */
        final Set<String> inStock = new HashSet<>();
        private final Set<String> fetched = new HashSet<>();
        private final FactsCache cache;

        Reads(Instant stream, String latestWindow, FactsCache cache) {
            this.stream = stream;
            this.latestWindow = latestWindow;
            this.cache = cache;
        }

        /** Makes the speed inputs' per-user reads take each user's CF list and carts too (a merge needs them). */
        void mergeReads(String version, long cartedSince) {
            this.batchVersion = version;
            this.cartedSince = cartedSince;
        }

        /** Reads the catalog facts of the products not read yet in this call (nor cached), in one pipeline. */
        void fetchFacts(Set<String> products) {
            List<String> toRead = new ArrayList<>();
            for (String pid : products) {
                if (fetched.add(pid)) {
                    MergeInputs.ProductFacts known = cache == null ? null : cache.inStock.get(pid);
                    if (known != null) {
                        facts.put(pid, known);
                        inStock.add(pid);
                    } else {
                        toRead.add(pid);
                    }
                }
            }
            if (toRead.isEmpty()) {
                return;
            }
            List<Response<List<String>>> r = new ArrayList<>(toRead.size());
            try (AbstractPipeline p = redis.pipelined()) {
                toRead.forEach(pid -> r.add(p.hmget(keys.product(pid), "category", "in_stock")));
                p.sync();
            }
            for (int i = 0; i < toRead.size(); i++) {
                String pid = toRead.get(i);
                List<String> v = r.get(i).get();
                boolean stocked = "true".equals(v.get(1));
                if (stocked) {
                    inStock.add(pid);
                }
                if (v.get(0) != null) {
                    MergeInputs.ProductFacts f = new MergeInputs.ProductFacts(v.get(0), stocked);
                    facts.put(pid, f);
                    if (stocked && cache != null) {
                        cache.inStock.put(pid, f);
                    }
                }
            }
        }
    }

    /**
     * Category and stock of in-stock products, kept from one merge call to the next (the refresher's, which
     * would otherwise read every candidate's facts again for each chunk of users). An entry can only turn
     * wrong when its product is deleted, goes out of stock or moves to another category, and each of those
     * raises {@code catalog:version} (the catalog writer's script, in the same call), which empties the
     * cache at the next call. Products out of stock or unknown are not kept, so they are read each time and
     * a product back in stock or new is seen at once. One thread uses it.
     */
    public static final class FactsCache {
        private final Map<String, MergeInputs.ProductFacts> inStock = new HashMap<>();
        private String version;

        /** This cache for a call that read {@code catalog:version} as {@code version} (null: never raised). */
        FactsCache at(String version) {
            if (!java.util.Objects.equals(version, this.version)) {
                inStock.clear();
                this.version = version;
            }
            return this;
        }

        /** How many products it holds (tests). */
        public int size() {
            return inStock.size();
        }
    }

    /**
     * Re-merges everyone who has a key, plus the users in {@code alsoUsersOf} (a HASH keyed by user id,
     * such as a new {@code cf:{version}}), in pipelined chunks; after a batch publish or a rule change.
     * Index entries older than the key's TTL are pruned first. Returns how many keys were written.
     */
    public int refreshEveryone(int n, String alsoUsersOf) {
        redis.zremrangeByScore(keys.recommendedUsers(), Double.NEGATIVE_INFINITY,
                System.currentTimeMillis() - RECOMMENDATION_TTL.toMillis());
        long[] ids = new long[1024];
        int count = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().count(10_000);
        do {
            ScanResult<Tuple> page = redis.zscan(keys.recommendedUsers(), cursor, params);
            for (Tuple t : page.getResult()) {
                ids = grow(ids, count);
                ids[count++] = Long.parseLong(t.getElement());
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        if (alsoUsersOf != null) {
            do {
                ScanResult<Map.Entry<String, String>> page = redis.hscan(alsoUsersOf, cursor, params.count(2_000));
                for (Map.Entry<String, String> e : page.getResult()) {
                    ids = grow(ids, count);
                    ids[count++] = Long.parseLong(e.getKey());
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        long[] sorted = java.util.Arrays.stream(ids, 0, count).sorted().distinct().toArray();
        int written = 0;
        for (int i = 0; i < sorted.length; i += REMERGE_CHUNK) {
            List<Long> chunk = new ArrayList<>();
            for (int j = i; j < Math.min(sorted.length, i + REMERGE_CHUNK); j++) {
                chunk.add(sorted[j]);
            }
            written += refresh(chunk, n);
        }
        return written;
    }

    private static final int REMERGE_CHUNK = 1_000;

    private static long[] grow(long[] a, int used) {
        return used < a.length ? a : java.util.Arrays.copyOf(a, a.length * 2);
    }
}
