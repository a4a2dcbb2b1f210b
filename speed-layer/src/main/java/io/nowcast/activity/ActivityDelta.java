package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Kind;
import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.activity.ActivityApplier.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What one flush of one partition changes in Redis, in one {@link Lane}, gathered per key so that Redis
 * sees one command per key, not per event. Pure: built from the records, the lane's watermark for the
 * partition, the stream time and the catalog's categories as read just before; {@link ActivityApplier}
 * writes it in one transaction. The {@link Lane#TRENDING} lane gathers the trending counts alone, and
 * judges lateness as the other lane does but records nothing about it (that lane counts and dead-letters
 * late events); the {@link Lane#USERS} lane gathers everything else.
 *
 * <p>Semantics (DESIGN.md, "Semantics"): records at or below the watermark were applied already and are
 * skipped; an event older than stream time minus the lateness is late; stream time is the newest event
 * time seen, and moves on within the flush; a page view counts toward its product's category for 24 h,
 * until stream time reaches its time plus 24 h rounded up to the interest bucket ({@link #expiry}). A
 * viewed product's score is that expiry less 24 h ({@link #viewedScore}): the view's time rounded up to
 * the bucket, so a viewed product leaves the trailing 24 h when its views leave the interests, and views
 * of a product again within one bucket leave the user's viewed set as it was (Redis's {@code ZADD GT} then
 * moves nothing, which costs it a fraction of a move).
 */
final class ActivityDelta {
    static final long HOUR = 3_600_000L;
    static final long DAY = 86_400_000L;
    /** Counted in {@code speed:counts} for page views of products the catalog does not know. */
    static final String UNKNOWN_PRODUCT = "unknown_product";

    long applied;
    long skipped;
    final List<Long> lateOffsets = new ArrayList<>();
    /** The watermark to store: the highest offset applied, or the old watermark. */
    long lastOffset;
    /** Stream time after this flush. */
    long streamTime;
    /** Users whose inputs changed, in the order they first changed. */
    final Set<Long> dirtyUsers = new LinkedHashSet<>();

    /** Window start → product → views. */
    final Map<Long, Map<String, Long>> trend = new HashMap<>();
    /** User → product → newest time, per kind. */
    final Map<Long, Map<String, Long>> viewedAt = new HashMap<>();
    final Map<Long, Map<String, Long>> boughtAt = new HashMap<>();
    final Map<Long, Map<String, Long>> cartedAt = new HashMap<>();
    /** User → category → views; user → "{expiry}|{category}" → views; user → earliest expiry. */
    final Map<Long, Map<String, Long>> interests = new HashMap<>();
    final Map<Long, Map<String, Long>> interestExpiries = new HashMap<>();
    final Map<Long, Long> interestDue = new HashMap<>();
    /** Category → product → views; expiry → "{category}|{product}" → views. */
    final Map<String, Map<String, Long>> popularity = new HashMap<>();
    final Map<Long, Map<String, Long>> popularityExpiry = new HashMap<>();
    /** Reject reason → records; event kind code (and {@link #UNKNOWN_PRODUCT}) → records. */
    final Map<String, Long> dlqCounts = new HashMap<>();
    final Map<String, Long> kindCounts = new HashMap<>();

    private ActivityDelta() {}

    /**
     * @param watermark the partition's last applied offset, -1 for none
     * @param streamTime stream time before the flush (ms)
     * @param categoryOf a viewed product's current category, or null when the catalog does not know it
     */
    static ActivityDelta of(Lane lane, List<Record> records, long watermark, long streamTime, Settings settings,
                            Function<String, String> categoryOf) {
        ActivityDelta d = new ActivityDelta();
        d.lastOffset = watermark;
        d.streamTime = streamTime;
        long lateness = settings.lateness().toMillis();
        long bucket = settings.interestBucket().toMillis();
        for (Record r : records) {
            if (r.offset() <= watermark) {
                d.skipped++;
                continue;
            }
            d.applied++;
            d.lastOffset = Math.max(d.lastOffset, r.offset());
            if (r.kind() == Kind.REJECTED) {
                if (lane == Lane.USERS) {
                    d.dlqCounts.merge(r.productOrReason(), 1L, Long::sum);
                }
                continue;
            }
            long ts = r.timeMs();
            if (ts < d.streamTime - lateness) {
                if (lane == Lane.USERS) {
                    d.dlqCounts.merge("late", 1L, Long::sum);
                    d.lateOffsets.add(r.offset());
                }
                continue;
            }
            d.streamTime = Math.max(d.streamTime, ts);
            if (lane == Lane.TRENDING) {
                if (r.kind() == Kind.PAGE_VIEW) {
                    d.trend.computeIfAbsent(ts - Math.floorMod(ts, HOUR), w -> new HashMap<>()).merge(r.productOrReason(), 1L, Long::sum);
                }
                continue;
            }
            d.kindCounts.merge(String.valueOf(r.kind().code), 1L, Long::sum);
            long user = r.userId();
            String product = r.productOrReason();
            switch (r.kind()) {
                case PAGE_VIEW -> {
                    long expiry = expiry(ts, bucket);
                    later(d.viewedAt, user, product, viewedScore(ts, bucket));
                    d.dirtyUsers.add(user);
                    String category = categoryOf.apply(product);
                    if (category == null) {
                        d.kindCounts.merge(UNKNOWN_PRODUCT, 1L, Long::sum);
                    } else {
                        d.interests.computeIfAbsent(user, u -> new HashMap<>()).merge(category, 1L, Long::sum);
                        d.interestExpiries.computeIfAbsent(user, u -> new HashMap<>()).merge(expiry + "|" + category, 1L, Long::sum);
                        d.interestDue.merge(user, expiry, Math::min);
                        d.popularity.computeIfAbsent(category, c -> new HashMap<>()).merge(product, 1L, Long::sum);
                        d.popularityExpiry.computeIfAbsent(expiry, e -> new HashMap<>()).merge(category + "|" + product, 1L, Long::sum);
                    }
                }
                case PURCHASE -> {
                    later(d.boughtAt, user, product, ts);
                    d.dirtyUsers.add(user);
                }
                case ADD_TO_CART -> {
                    later(d.cartedAt, user, product, ts);
                    d.dirtyUsers.add(user);
                }
                default -> { } // clicks and searches are counted only
            }
        }
        return d;
    }

    private static void later(Map<Long, Map<String, Long>> t, long user, String product, long ts) {
        t.computeIfAbsent(user, u -> new HashMap<>()).merge(product, ts, Math::max);
    }

    /** When a page view at {@code ts} stops counting: stream time at or past it ends its 24 h. */
    static long expiry(long ts, long bucket) {
        return ceilTo(ts + DAY, bucket);
    }

    /** A page view's score in the user's viewed set: its {@link #expiry} less 24 h, never before the view. */
    static long viewedScore(long ts, long bucket) {
        return expiry(ts, bucket) - DAY;
    }

    static long ceilTo(long ms, long bucket) {
        return Math.floorDiv(ms + bucket - 1, bucket) * bucket;
    }
}
