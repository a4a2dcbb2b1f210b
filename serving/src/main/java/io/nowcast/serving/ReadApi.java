package io.nowcast.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.nowcast.recommend.BatchView;
import io.nowcast.recommend.Neighbour;
import io.nowcast.recommend.RecommendationStore;
import io.nowcast.recommend.ScoredProduct;
import io.nowcast.redis.RedisKeys;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/** The read side of the REST API: a user's merged list, trending, and a product's bought-together list. */
final class ReadApi {
    static final int MAX_LIMIT = 100;
    static final int MAX_BOUGHT_TOGETHER = 50;
    /** How far a category-filtered trending read scans a window's counts before it stops. */
    static final int MAX_TRENDING_SCAN = 20_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final RecommendationStore store;
    private final BatchView batch;
    private final int n;
    private final Metrics metrics;

    private final PipelinedReads reads;
    private final TrackedValues cache;
    private final KeylessMerges keylessMerges;
    /** Users without a key whose merge may wait at once; past it, newcomers get the strangers' list. */
    static final int MAX_KEYLESS_WAITING = 2_000;

    ReadApi(UnifiedJedis redis, RedisKeys keys, int n, Metrics metrics, PipelinedReads reads, TrackedValues cache) {
        this.reads = reads;
        this.cache = cache;
        this.redis = redis;
        this.keys = keys;
        this.store = new RecommendationStore(redis, keys);
        this.batch = new BatchView(redis, keys);
        this.n = n;
        this.metrics = metrics;
        this.keylessMerges = new KeylessMerges(store, n, MAX_KEYLESS_WAITING, 2);
        metrics.track(keylessMerges);
        cache.onChange(this::reread);
        metrics.rereads(rereads);
    }

    /** Keys re-read because they changed while cached; at most this many at once (a batch publish rewrites every key). */
    static final int MAX_REREADING = 5_000;
    private final java.util.concurrent.atomic.AtomicInteger rereading = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder rereads = new java.util.concurrent.atomic.LongAdder();

    /**
     * Reads a key that was cached again as soon as Redis reports it changed, and parses a user's list, so
     * that the user's next request is a hit, not a read that waits behind the speed layer's scripts in a
     * busy Redis (under ingest the refresher rewrites keys all the time). Consistent as any read: through
     * the {@link TrackedValues.Ticket} that replaced the cached value, so a newer change or a request's own
     * read wins. Meanwhile, for up to {@link #STALE_MILLIS}, requests get the list as it was ({@link #answer}).
     */
    private void reread(TrackedValues.Ticket t) {
        if (rereading.get() >= MAX_REREADING) {
            return;
        }
        String key = t.key;
        rereading.incrementAndGet();
        reads.read(p -> p.get(key)).whenCompleteAsync((value, failed) -> {
            rereading.decrementAndGet();
            if (failed != null) {
                return;
            }
            rereads.increment();
            cache.read(t, value);
            Long user = keys.userOfRecommendations(key);
            if (user != null && value != null) {
                remember(user, new RenderedList(value));
            }
        }, answers);
    }

    /** A recommendations request's parameters, checked. */
    record Query(long user, int limit, Set<String> exclude) {}

    /** The route: checks the parameters (a 400 names the bad one), then answers as {@link #answer(Query)}. */
    void recommendations(Context ctx) throws Exception {
        CompletableFuture<String> answer = answer(checked(ctx.pathParam("userId"), ctx.queryParam("limit"), ctx.queryParam("exclude")));
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            ctx.contentType("application/json").result(answer.join());
        } else {
            ctx.future(() -> answer.thenAccept(body -> ctx.contentType("application/json").result(body)));
        }
    }

    /** The same parameters from the raw texts, or null if any is bad (the route then says which). */
    Query query(String userText, String limitText, String excludeText) {
        try {
            return checked(userText, limitText, excludeText);
        } catch (BadRequestResponse e) {
            return null;
        }
    }

    private Query checked(String userText, String limitText, String excludeText) {
        return new Query(Params.userId(userText), Params.limit(limitText, Math.min(10, n), MAX_LIMIT), Params.exclude(excludeText));
    }

    /**
     * The user's key, as apps would read it from Redis, cut to {@code limit} after {@code exclude}: complete
     * at once, without blocking, when the key is parsed and it and the rules' version are in the
     * {@link TrackedValues} cache (while Redis has not changed them); else later, on the answer threads. A key older than the rules is
     * merged again on the spot and written back, so a rule change shows on the next read. A user without a
     * key gets the merge of what Nowcast knows of them, written as their key unless one appeared meanwhile;
     * a stranger gets the trending fallback,
     * which is shared by all strangers and recomputed at most once a second or when the rules change.
     */
    CompletableFuture<String> answer(Query q) {
        String key = keys.recommendations(q.user());
        String rulesKey = keys.rulesVersion();
        TrackedValues.Hit keyHit = cache.get(key);
        TrackedValues.Hit versionHit = keyHit == null ? null : cache.get(rulesKey);
        if (keyHit != null && versionHit != null && keyHit.value() != null) {
            RenderedList list = current(q.user(), keyHit.value(), versionHit.value());
            if (list != null) {
                return CompletableFuture.completedFuture(list.answer(q.user(), q.limit(), q.exclude(), true));
            }
            // Not parsed yet, or older than the rules (a merge and a write in Redis): off the calling
            // thread, which may be Jetty's selector (RecommendationsHandler).
            return CompletableFuture.supplyAsync(() -> answer(q.user(), q.limit(), q.exclude(), keyHit.value(), versionHit.value()), answers);
        }
        if (keyHit == null) {
            // Changed in Redis a moment ago and being read again: the list as it was, if it is parsed and
            // not older than the rules (whose version is never served stale), rather than a wait behind
            // the speed layer's writes. At most STALE_MILLIS old, as if the change had come that much later.
            TrackedValues.Hit was = cache.stale(key);
            TrackedValues.Hit version = was == null || was.value() == null ? null : cache.get(rulesKey);
            RenderedList list = version == null ? null : current(q.user(), was.value(), version.value());
            if (list != null) {
                return CompletableFuture.completedFuture(list.answer(q.user(), q.limit(), q.exclude(), true));
            }
        }
        if (keyHit != null && versionHit != null) {
            long rulesVersion = rulesVersion(versionHit.value());
            RenderedList s = recentStranger(q.user(), rulesVersion);
            if (s != null) {
                metrics.fallback();
                metrics.strangerVerdictReused();
                return CompletableFuture.completedFuture(s.answer(q.user(), q.limit(), q.exclude(), false));
            }
            return keyless(q, rulesVersion);
        }
        // A miss waits for Redis without holding a request thread: under ingest Redis may be running a
        // speed-layer script for milliseconds, and blocked threads would hold up the hits queued behind them.
        TrackedValues.Ticket keyRead = cache.reading(key);
        TrackedValues.Ticket versionRead = cache.reading(rulesKey);
        return reads.read(p -> p.mget(key, rulesKey)).thenComposeAsync(both -> {
            cache.read(keyRead, both.get(0));
            cache.read(versionRead, both.get(1));
            return both.get(0) == null ? keyless(q, rulesVersion(both.get(1)))
                    : CompletableFuture.completedFuture(answer(q.user(), q.limit(), q.exclude(), both.get(0), both.get(1)));
        }, answers);
    }

    /**
     * A user without a key: the merge of what Nowcast knows of them, batched with other such requests and
     * written if they still have no key ({@link KeylessMerges}); a stranger, or anyone while too many merges wait, gets the
     * strangers' list. Whether Nowcast knows the user is a read of its own, pipelined with other requests'.
     */
    private CompletableFuture<String> keyless(Query q, long rulesVersion) {
        return reads.read(p -> p.exists(store.stateKeys(q.user())))
                .thenCompose(known -> {
                    if (known > 0) {
                        strangerUntil.remove(q.user());
                        return keylessMerges.merge(q.user());
                    }
                    if (strangerUntil.size() >= MAX_PARSED) {
                        strangerUntil.clear();
                    }
                    strangerUntil.put(q.user(), System.nanoTime() + STRANGER_VERDICT_NANOS);
                    return CompletableFuture.<String>completedFuture(null);
                })
                .thenApplyAsync(json -> {
                    metrics.fallback();
                    RenderedList list = json != null ? new RenderedList(json) : stranger(rulesVersion);
                    return list.answer(q.user(), q.limit(), q.exclude(), false);
                }, answers);
    }

    /** Runs the answers of reads that went to Redis (and the merges a few of them need), off the request threads. */
    private final ExecutorService answers = Executors.newFixedThreadPool(ANSWER_THREADS, r -> {
        Thread t = new Thread(r, "nowcast-answers");
        t.setDaemon(true);
        return t;
    });
    static final int ANSWER_THREADS = 8;
    /**
     * How long after Redis said a user's key changed its previous list may still be the answer while the
     * key is read again. The same bound as the tracking health check's on a change never reported; on an
     * idle machine a re-read takes well under a millisecond, under 20 K events/s up to hundreds.
     */
    static final long STALE_MILLIS = 1_000;

    void close() {
        keylessMerges.close();
        answers.shutdown();
    }

    private String answer(long user, int limit, Set<String> exclude, String raw, String versionText) {
        RenderedList list = current(user, raw, versionText);
        return list != null ? list.answer(user, limit, exclude, true) : slowAnswer(user, limit, exclude, raw, rulesVersion(versionText));
    }

    /** The parsed copy of {@code user}'s key if it is {@code raw} (not null) and not older than the rules, else null. */
    private RenderedList current(long user, String raw, String versionText) {
        RenderedList list = raw == null ? null : parsed.get(user);
        return list != null && list.raw.equals(raw) && list.rulesVersion >= rulesVersion(versionText) ? list : null;
    }

    private static long rulesVersion(String versionText) {
        return versionText == null ? 0 : Long.parseLong(versionText);
    }

    /** A key (not null) not parsed yet or older than the rules. */
    private String slowAnswer(long user, int limit, Set<String> exclude, String raw, long rulesVersion) {
        RenderedList list = new RenderedList(raw);
        if (list.rulesVersion < rulesVersion) {
            metrics.remergedOnRead();
            String merged = store.compute(List.of(user), n).get(user);
            store.writeRecommendations(java.util.Map.of(user, merged));
            list = new RenderedList(merged);
        }
        remember(user, list);
        return list.answer(user, limit, exclude, true);
    }

    /** Parsed keys by user; dropped wholesale when full (a cache miss only costs one parse). */
    private final java.util.concurrent.ConcurrentHashMap<Long, RenderedList> parsed = new java.util.concurrent.ConcurrentHashMap<>();
    static final int MAX_PARSED = 200_000;
    private volatile RenderedList strangers;
    private volatile long strangersAt;

    private void remember(long user, RenderedList list) {
        if (parsed.size() >= MAX_PARSED) {
            parsed.clear();
        }
        parsed.put(user, list);
    }

    /**
     * Users found to be strangers (no key and nothing Nowcast knows of them), each with the time
     * ({@link System#nanoTime()}) until which that verdict stands without asking Redis again. A stranger
     * asking again within {@link #STRANGER_VERDICT_NANOS} gets the strangers' list at once, without a read
     * or a thread hop: anonymous visitors are a shop's commonest users, and each used to cost a round trip.
     * The price: a stranger whose first events arrive meanwhile gets their own merge up to that long later
     * (a key written for them, by the refresher or a merge, is tracked and ends the verdict at once).
     */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> strangerUntil = new java.util.concurrent.ConcurrentHashMap<>();
    static final long STRANGER_VERDICT_NANOS = 1_000_000_000L;

    /** The strangers' list for {@code user} if they were found a stranger within the verdict's time and the list is current, else null. */
    private RenderedList recentStranger(long user, long rulesVersion) {
        Long until = strangerUntil.get(user);
        if (until == null) {
            return null;
        }
        long now = System.nanoTime();
        if (now - until >= 0) {
            strangerUntil.remove(user, until);
            return null;
        }
        RenderedList s = strangers;
        // Only the list as it stands: making it again reads Redis, which is the answer threads' job.
        return s != null && s.rulesVersion >= rulesVersion && now - strangersAt <= STRANGERS_MAX_AGE_NANOS ? s : null;
    }

    private static final long STRANGERS_MAX_AGE_NANOS = 1_000_000_000L;

    private RenderedList stranger(long rulesVersion) {
        RenderedList s = strangers;
        if (s == null || s.rulesVersion < rulesVersion || System.nanoTime() - strangersAt > STRANGERS_MAX_AGE_NANOS) {
            s = new RenderedList(store.fallback(n));
            strangers = s;
            strangersAt = System.nanoTime();
        }
        return s;
    }

    /** The top products of a trending window by views (ties by product id), optionally of one category. */
    void trending(Context ctx) throws Exception {
        int limit = Params.limit(ctx, 10, MAX_LIMIT);
        String category = ctx.queryParam("category") == null ? null : Params.id("category", ctx.queryParam("category"));
        if (category != null && !redis.sismember(keys.categories(), category)) {
            throw new NotFoundResponse("no category '" + Params.clip(category) + "' in the catalog");
        }
        String window = ctx.queryParam("window") == null ? "latest" : ctx.queryParam("window");
        String text;
        if (window.equals("latest")) {
            text = store.latestWindow();
        } else {
            text = windowText(window);
            if (redis.zscore(keys.trendingWindows(), text) == null) {
                throw new NotFoundResponse("no page views recorded in the window starting " + text);
            }
        }
        ObjectNode out = MAPPER.createObjectNode();
        out.put("window_start", text);
        out.put("category", category);
        ArrayNode items = out.putArray("items");
        if (text != null) {
            String key = keys.trendingCounts(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
            List<ScoredProduct> top = category == null ? top(key, limit) : topOfCategory(key, category, limit);
            Map<String, List<String>> facts = details(top);
            int rank = 0;
            for (ScoredProduct p : top) {
                List<String> f = facts.get(p.productId());
                items.addObject().put("rank", ++rank).put("product_id", p.productId()).put("views", (long) p.score())
                        .put("name", f.get(0)).put("category", f.get(1)).put("in_stock", "true".equals(f.get(2)));
            }
        }
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(out));
    }

    /** A product's bought-together neighbours in the live batch version, best first. Unknown products are 404. */
    void boughtTogether(Context ctx) throws Exception {
        String product = Params.id("productId", ctx.pathParam("productId"));
        int limit = Params.limit(ctx, 10, MAX_BOUGHT_TOGETHER);
        if (!redis.exists(keys.product(product))) {
            throw new NotFoundResponse("no product '" + Params.clip(product) + "' in the catalog");
        }
        String version = batch.currentVersion().orElse(null);
        List<Neighbour> neighbours = version == null ? List.of() : batch.neighbours(version, product);
        neighbours = neighbours.subList(0, Math.min(limit, neighbours.size()));
        List<ScoredProduct> asScored = neighbours.stream().map(nb -> new ScoredProduct(nb.productId(), nb.llr())).toList();
        Map<String, List<String>> facts = details(asScored);
        ObjectNode out = MAPPER.createObjectNode();
        out.put("product_id", product);
        out.put("batch_version", version);
        ArrayNode items = out.putArray("items");
        for (Neighbour nb : neighbours) {
            List<String> f = facts.get(nb.productId());
            items.addObject().put("product_id", nb.productId()).put("name", f.get(0)).put("category", f.get(1))
                    .put("in_stock", "true".equals(f.get(2))).put("llr", nb.llr()).put("support", nb.support())
                    .put("lift", nb.lift()).put("reason", "bought together in " + nb.support() + " baskets");
        }
        ctx.contentType("application/json").result(MAPPER.writeValueAsString(out));
    }

    /** A window start as the API takes it: {@code yyyy-MM-ddTHH:00:00} (UTC), on the hour. */
    static String windowText(String s) {
        try {
            LocalDateTime t = LocalDateTime.parse(Params.id("window", s));
            if (t.getMinute() != 0 || t.getSecond() != 0 || t.getNano() != 0) {
                throw new BadRequestResponse("window must start on the hour, e.g. 2024-03-21T10:00:00, got '" + Params.clip(s) + "'");
            }
            return RedisKeys.windowText(t.toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new BadRequestResponse("window must be 'latest' or a window start like 2024-03-21T10:00:00, got '" + Params.clip(s) + "'");
        }
    }

    /** The best k members of a counts ZSET, views descending then product id ascending, exactly at the tie boundary. */
    private List<ScoredProduct> top(String key, int k) {
        List<Tuple> t = redis.zrevrangeWithScores(key, 0, k - 1);
        List<ScoredProduct> out = new ArrayList<>();
        if (t.size() < k) {
            t.forEach(x -> out.add(new ScoredProduct(x.getElement(), x.getScore())));
            out.sort(ScoredProduct.BEST_FIRST);
            return out;
        }
        double lowest = t.get(t.size() - 1).getScore();
        t.stream().filter(x -> x.getScore() > lowest).forEach(x -> out.add(new ScoredProduct(x.getElement(), x.getScore())));
        out.sort(ScoredProduct.BEST_FIRST);
        // Redis orders equal scores by member descending in reverse ranges; read the boundary's ties ascending.
        redis.zrangeByScoreWithScores(key, lowest, lowest, 0, k - out.size())
                .forEach(x -> out.add(new ScoredProduct(x.getElement(), x.getScore())));
        return out;
    }

    /** The best k products of one category in a counts ZSET, scanning down until no tie can be missed. */
    private List<ScoredProduct> topOfCategory(String key, String category, int k) {
        List<ScoredProduct> matches = new ArrayList<>();
        int page = 500;
        for (int from = 0; from < MAX_TRENDING_SCAN; from += page) {
            List<Tuple> t = redis.zrevrangeWithScores(key, from, from + page - 1);
            Map<String, Response<String>> cats = new HashMap<>();
            try (AbstractPipeline p = redis.pipelined()) {
                t.forEach(x -> cats.put(x.getElement(), p.hget(keys.product(x.getElement()), "category")));
                p.sync();
            }
            t.forEach(x -> {
                if (category.equals(cats.get(x.getElement()).get())) {
                    matches.add(new ScoredProduct(x.getElement(), x.getScore()));
                }
            });
            matches.sort(ScoredProduct.BEST_FIRST);
            boolean pastTies = !t.isEmpty() && matches.size() >= k && t.get(t.size() - 1).getScore() < matches.get(k - 1).score();
            if (t.size() < page || pastTies) {
                break;
            }
        }
        return matches.subList(0, Math.min(k, matches.size()));
    }

    /** name, category and in_stock of each product (nulls for deleted ones), in one pipeline. */
    private Map<String, List<String>> details(List<ScoredProduct> products) {
        Map<String, Response<List<String>>> r = new HashMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            products.forEach(sp -> r.put(sp.productId(), p.hmget(keys.product(sp.productId()), "name", "category", "in_stock")));
            p.sync();
        }
        Map<String, List<String>> out = new HashMap<>();
        r.forEach((pid, v) -> out.put(pid, v.get()));
        return out;
    }
}
