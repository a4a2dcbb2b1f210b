package io.nowcast.redis;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The only place a Redis key is spelled. Keys are the contract between the speed layer, the batch
 * layer, serving, the dashboard and shops' own apps, so {@code RedisKeysTest} pins every string and
 * the README's key table says the same. A configurable prefix (default empty) namespaces everything.
 * The speed layer's Lua scripts ({@code finish_flush.lua}, {@code finish_trending.lua}) spell some of the same keys; their integration test
 * ({@code ActivityApplierIT}) reads everything back through this class, so the two cannot drift apart unnoticed.
 */
public final class RedisKeys {
    private static final DateTimeFormatter WINDOW =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix == null ? "" : prefix;
    }

    public String prefix() {
        return prefix;
    }

    /**
     * {@code {user_id}}: STRING of JSON {@code {"user_id":..,"recommended_products":[..], "items":[..], ...}},
     * the merged list, in the original design's layout. Writers: speed layer, batch publish, serving merge.
     * Readers: apps, REST API, dashboard. TTL: 7 days from the last write.
     */
    public String recommendations(long userId) {
        return prefix + userId;
    }

    /** The user whose {@link #recommendations} key this is, or null for any other key. */
    public Long userOfRecommendations(String key) {
        int digits = key.length() - prefix.length();
        if (digits < 1 || digits > 18 || !key.startsWith(prefix)) {
            return null;
        }
        for (int i = prefix.length(); i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(key, prefix.length(), key.length(), 10);
    }

    /**
     * {@code trending:{window_start}}: HASH product_id → view_count, the top 10 of the 1-hour window
     * starting at {@code windowStart} (UTC, {@code yyyy-MM-dd'T'HH:mm:ss}). Writer: speed layer.
     * Readers: apps, REST API, dashboard, merge fallback. TTL: 48 h from the last write.
     */
    public String trending(Instant windowStart) {
        return prefix + "trending:" + WINDOW.format(windowStart);
    }

    /** The window-start text used in {@link #trending}, e.g. {@code 2024-03-21T10:00:00}. */
    public static String windowText(Instant windowStart) {
        return WINDOW.format(windowStart);
    }

    /**
     * {@code product:{product_id}}: HASH of the catalog fields (name, category, price, description,
     * image_url, in_stock). Writer: speed layer's catalog query. Readers: merge, REST API, dashboard.
     * Permanent; deleted on a tombstone.
     */
    public String product(String productId) {
        return prefix + "product:" + productId;
    }

    /**
     * {@code interest:{user_id}}: HASH category → page views in the trailing 24 h of stream time.
     * Writer: speed layer. Readers: speed recommendations, dashboard. TTL: 25 h from the last write.
     */
    public String interest(long userId) {
        return prefix + "interest:" + userId;
    }

    /**
     * {@code viewed:{user_id}}: ZSET product_id → newest view time (epoch ms) in the trailing 24 h, rounded up to
     * the interest bucket: a view counts while stream time is before its score + 24 h, as its interest does.
     * Writer: speed layer. Readers: speed recommendations, dashboard. TTL: 25 h from the last write.
     */
    public String viewed(long userId) {
        return prefix + "viewed:" + userId;
    }

    /**
     * {@code bought:{user_id}}: ZSET product_id → newest purchase time (epoch ms) within the look-back.
     * Writer: speed layer. Readers: merge exclusions, dashboard. TTL: the look-back from the last write.
     */
    public String bought(long userId) {
        return prefix + "bought:" + userId;
    }

    /**
     * {@code category:{category}}: ZSET product_id → page views by all users over the trailing 24 h,
     * for in-stock products of that category. Writer: speed layer. Readers: speed recommendations, dashboard.
     * Permanent (members leave when their product leaves the category).
     */
    public String category(String category) {
        return prefix + "category:" + category;
    }

    /**
     * {@code trending:counts:{window_start}}: ZSET product_id → page views in that hour, every product.
     * Writer: speed layer. Readers: dashboard (full counts, history). TTL: 48 h from the last write.
     */
    public String trendingCounts(Instant windowStart) {
        return prefix + "trending:counts:" + WINDOW.format(windowStart);
    }

    /**
     * {@code trending:windows}: ZSET window_start text → window start (epoch ms), every window with views.
     * Writer: speed layer. Readers: REST API and dashboard ("latest", the window picker). Permanent.
     */
    public String trendingWindows() {
        return prefix + "trending:windows";
    }

    /**
     * {@code carted:{user_id}}: ZSET product_id → newest add-to-cart time (ms) in the trailing 24 h.
     * Writer: speed layer. Readers: serving merge (real-time bought-together). TTL: 25 h from the last write.
     */
    public String carted(long userId) {
        return prefix + "carted:" + userId;
    }

    /** {@code stream:time}: STRING, the newest event time (ms) applied: the pipeline's clock. Writer: speed layer. Permanent. */
    public String streamTime() {
        return prefix + "stream:time";
    }

    /**
     * {@code offsets:user_activity:{partition}}: STRING, the last Kafka offset of that partition applied to
     * Redis. The speed layer WATCHes it, reads it, and advances it in the MULTI/EXEC that applies the flush,
     * so that replays count nothing twice; one key per partition, so partitions never abort each other's
     * transactions. Writer: speed layer. Readers: dashboard and {@code ./nowcast probe} (lag). Permanent.
     */
    public String activityOffset(int partition) {
        return prefix + "offsets:user_activity:" + partition;
    }

    /**
     * {@code offsets:trending:{partition}}: STRING, the last Kafka offset of that {@code user_activity}
     * partition whose page views are counted in the trending windows. Trending is applied in a lane of its
     * own, ahead of the per-user state, with this watermark WATCHed and advanced in its own MULTI/EXEC the
     * way {@link #activityOffset} is in the other lane's. Writer: speed layer. Permanent.
     */
    public String trendingOffset(int partition) {
        return prefix + "offsets:trending:" + partition;
    }

    /**
     * {@code topic-id:{topic}}: STRING, the Kafka topic id (a UUID in Kafka's 22-character base64) of the topic whose offsets the lanes'
     * watermarks ({@link #activityOffset}, {@link #trendingOffset}) count; a topic created anew counts from 0
     * again, so the speed layer drops them when the id changes ({@code ActivityTopic}). Writer: speed layer, as
     * it starts. Permanent.
     */
    public String topicId(String topic) {
        return prefix + "topic-id:" + topic;
    }

    /** SCAN patterns matching every lane watermark ({@link #activityOffset}, {@link #trendingOffset}) under this prefix. */
    public String[] watermarkPatterns() {
        String p = prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
        return new String[] {p + "offsets:user_activity:*", p + "offsets:trending:*"};
    }

    /** {@link #activityOffset} of each partition, in order, for an MGET. */
    public String[] activityOffsets(int partitions) {
        String[] out = new String[partitions];
        for (int p = 0; p < partitions; p++) {
            out[p] = activityOffset(p);
        }
        return out;
    }

    /** {@code dlq:counts}: HASH reject reason → records dead-lettered. Writer: speed layer. Readers: dashboard, /health. Permanent. */
    public String dlqCounts() {
        return prefix + "dlq:counts";
    }

    /**
     * {@code speed:applied_at}: STRING, the wall-clock time (ms) of the speed layer's last flush into Redis.
     * Writer: speed layer (its Lua script). Readers: {@code /health}, dashboard. Permanent.
     */
    public String speedAppliedAt() {
        return prefix + "speed:applied_at";
    }

    /** {@code speed:counts}: HASH event kind (v, c, s, a, p) or {@code unknown_product} → records applied. Writer: speed layer. Permanent. */
    public String speedCounts() {
        return prefix + "speed:counts";
    }

    /** {@code interest:expiry:{user_id}}: HASH "expiry_ms|category" → views that stop counting then. Speed layer's own. TTL 25 h. */
    public String interestExpiry(long userId) {
        return prefix + "interest:expiry:" + userId;
    }

    /** {@code interest:due}: ZSET user_id → the next time (ms) one of their views expires. Speed layer's own. Permanent. */
    public String interestDue() {
        return prefix + "interest:due";
    }

    /** {@code popularity:expiry:{expiry_ms}}: HASH "category|product_id" → views that stop counting then. Speed layer's own. */
    public String popularityExpiry(long expiryMs) {
        return prefix + "popularity:expiry:" + expiryMs;
    }

    /** {@code popularity:due}: ZSET expiry_ms → expiry_ms, the popularity buckets still to expire. Speed layer's own. */
    public String popularityDue() {
        return prefix + "popularity:due";
    }

    /** {@code categories}: SET of every category the catalog has used. Writer: speed layer (catalog). Readers: dashboard. Permanent. */
    public String categories() {
        return prefix + "categories";
    }

    /** {@code products}: SET of every product id in the catalog (deleted ones leave). Writer: speed layer (catalog). Readers: batch layer. Permanent. */
    public String products() {
        return prefix + "products";
    }

    /**
     * {@code rules:current}: STRING of JSON, the merchandiser rules in force ({@code version}, {@code pins}
     * product → position, {@code blocked_products}, {@code blocked_categories}), a cache of the PostgreSQL
     * table {@code merch_rules}. Writer: serving and dashboard, after every rule change. Readers: every merge. Permanent.
     */
    public String rules() {
        return prefix + "rules:current";
    }

    /**
     * {@code rules:version}: STRING, the version in {@link #rules}, written with it in one Lua call, so the
     * REST API learns in the same round trip as a user's key whether that key predates the rules. Permanent.
     */
    public String rulesVersion() {
        return prefix + "rules:version";
    }

    /**
     * {@code recommendations:users}: ZSET user_id → when their {@code {user_id}} key was last written (ms,
     * rounded up to the minute: {@code RecommendationStore.indexTime}),
     * so a rule change or a batch publish can re-merge everyone who has a key. Writer: every merge (entries
     * older than the key's TTL are pruned by re-merges). Permanent.
     */
    public String recommendedUsers() {
        return prefix + "recommendations:users";
    }

    /**
     * {@code recommendations:dirty}: ZSET user_id → when their inputs first changed since their key was
     * last merged (wall-clock ms): the users waiting for a re-merge, oldest first. Writer: speed layer, in
     * the same transaction as the flush that changed the inputs, so a crash loses no re-merge. Reader: the
     * speed layer's refresher, which moves users to {@link #recommendationsRefreshing} while it merges them.
     * Permanent.
     */
    public String recommendationsDirty() {
        return prefix + "recommendations:dirty";
    }

    /**
     * {@code recommendations:refreshing}: ZSET user_id → first-change time (ms), the users the refresher
     * took from {@link #recommendationsDirty} and has not written yet. A refresher that starts puts
     * whatever a dead one left here back into the queue. Writer and reader: the speed layer's refresher.
     */
    public String recommendationsRefreshing() {
        return prefix + "recommendations:refreshing";
    }

    /**
     * {@code catalog:version}: STRING counter, raised by the catalog writer (in the same script as the
     * change) whenever a product may have to leave recommendation lists: deleted, out of stock, or moved
     * to another category. Writer: speed layer. Reader: the speed layer's catalog re-merge. Permanent.
     */
    public String catalogVersion() {
        return prefix + "catalog:version";
    }

    /** {@code catalog:remerged}: STRING, the {@code catalog:version} whose re-merge of every keyed user finished. Writer and reader: speed layer. Permanent. */
    public String catalogRemerged() {
        return prefix + "catalog:remerged";
    }

    /**
     * {@code speed:progress}: HASH "{query}.{field}" → the speed layer's last progress report per query
     * (catalog, activity, master): input_rows_per_s, processed_rows_per_s, batch_ms, batch_id, at (ms).
     * Writer: speed layer (driver). Reader: dashboard. Permanent.
     */
    public String speedProgress() {
        return prefix + "speed:progress";
    }

    /**
     * {@code batch:run_requests}: LIST of who asked for a batch run now (the dashboard's "run now"). The
     * batch scheduler pops one every couple of seconds and runs the job. Permanent (empty when served).
     */
    public String batchRunRequests() {
        return prefix + "batch:run_requests";
    }

    /**
     * {@code batch:current}: STRING, the live batch version. Readers dereference it, then read that
     * version's keys, so a publish is one atomic flip. Writer: batch layer. Readers: serving, dashboard. Permanent.
     */
    public String batchCurrent() {
        return prefix + "batch:current";
    }

    /** {@code batch:versions}: ZSET version → publish time (ms), newest 50. Writer: batch layer. Readers: dashboard. Permanent. */
    public String batchVersions() {
        return prefix + "batch:versions";
    }

    /**
     * {@code batch:pending}: SET of versions being written and not yet live. A run that dies leaves its
     * version here; the next run deletes that version's keys. Writer: batch layer. Permanent.
     */
    public String batchPending() {
        return prefix + "batch:pending";
    }

    /**
     * {@code batch:meta:{version}}: HASH about a version (run_id, as_of, published_at, counts). Writer: batch
     * layer. Readers: serving ({@code batch_version}), dashboard. Lifetime: its version's.
     */
    public String batchMeta(String version) {
        return prefix + "batch:meta:" + version;
    }

    /**
     * {@code copurchase:{version}}: HASH product_id → JSON array of its bought-together neighbours, best first
     * ({@code product_id}, {@code llr}, {@code support}, {@code lift}). Writer: batch layer. Readers: serving,
     * dashboard. Lifetime: live while current, then a grace period (default 1 h); unpublished ones 2 days at most.
     */
    public String copurchase(String version) {
        return prefix + "copurchase:" + version;
    }

    /**
     * {@code cf:{version}}: HASH user_id → JSON array of the user's collaborative-filtering list, best first
     * ({@code product_id}, {@code score}, {@code because}, {@code support}). Writer: batch layer. Readers:
     * serving merge, dashboard. Lifetime: as {@link #copurchase}.
     */
    public String cf(String version) {
        return prefix + "cf:" + version;
    }
}
