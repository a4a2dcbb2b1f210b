package io.nowcast.activity;

import static io.nowcast.activity.ActivityApplier.Kind.ADD_TO_CART;
import static io.nowcast.activity.ActivityApplier.Kind.CLICK;
import static io.nowcast.activity.ActivityApplier.Kind.PAGE_VIEW;
import static io.nowcast.activity.ActivityApplier.Kind.PURCHASE;
import static io.nowcast.activity.ActivityApplier.Kind.REJECTED;
import static io.nowcast.testing.Events.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.activity.ActivityApplier.Kind;
import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.activity.ActivityApplier.Settings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-key deltas of a flush, without Redis: what ActivityApplier writes is exactly this. */
class ActivityDeltaTest {
    private static final Settings SETTINGS = Settings.defaults();
    private static final Map<String, String> CATALOG = Map.of("p1", "shoes", "p2", "shoes", "p3", "hats");

    private static Record r(long offset, Kind kind, long user, String product, Instant time) {
        return new Record(offset, kind, user, product, time.toEpochMilli());
    }

    /** The users lane's delta. */
    private static ActivityDelta delta(List<Record> records, long watermark, long streamTime) {
        return ActivityDelta.of(Lane.USERS, records, watermark, streamTime, SETTINGS, CATALOG::get);
    }

    private static ActivityDelta trending(List<Record> records, long watermark, long streamTime) {
        return ActivityDelta.of(Lane.TRENDING, records, watermark, streamTime, SETTINGS, CATALOG::get);
    }

    @Test
    void viewsOfOneFlushBecomeOneDeltaPerKey() {
        List<Record> records = List.of(
                r(0, PAGE_VIEW, 1, "p1", at("10:00")),
                r(1, PAGE_VIEW, 1, "p1", at("10:05")),
                r(2, PAGE_VIEW, 1, "p3", at("10:06")),
                r(3, PAGE_VIEW, 2, "p1", at("11:00")));
        ActivityDelta d = delta(records, -1, 0);
        long ten = at("10:00").toEpochMilli();
        long eleven = at("11:00").toEpochMilli();
        assertEquals(Map.of(ten, Map.of("p1", 2L, "p3", 1L), eleven, Map.of("p1", 1L)), trending(records, -1, 0).trend);
        assertTrue(d.trend.isEmpty(), "trending is the other lane's");
        assertEquals(Map.of("p1", at("10:05").toEpochMilli(), "p3", at("10:10").toEpochMilli()), d.viewedAt.get(1L),
                "the newest view per product, rounded up to the 5-minute bucket");
        assertEquals(Map.of("shoes", 2L, "hats", 1L), d.interests.get(1L));
        assertEquals(Map.of("shoes", Map.of("p1", 3L), "hats", Map.of("p3", 1L)), d.popularity);
        assertEquals(4, d.applied);
        assertEquals(3, d.lastOffset);
        assertEquals(eleven, d.streamTime);
        assertEquals(List.of(1L, 2L), List.copyOf(d.dirtyUsers));
        assertEquals(Map.of("v", 4L), d.kindCounts);
    }

    @Test
    void interestExpiryIsTheViewTimePlus24HoursRoundedUpToTheBucket() {
        ActivityDelta d = delta(List.of(r(0, PAGE_VIEW, 1, "p1", at("10:00:01")), r(1, PAGE_VIEW, 1, "p2", at("10:04:59"))), -1, 0);
        long expiry = at("10:05").plus(java.time.Duration.ofDays(1)).toEpochMilli();
        assertEquals(Map.of(expiry + "|shoes", 2L), d.interestExpiries.get(1L));
        assertEquals(expiry, d.interestDue.get(1L));
        assertEquals(Map.of("shoes|p1", 1L, "shoes|p2", 1L), d.popularityExpiry.get(expiry));
        assertEquals(at("10:05").toEpochMilli(), ActivityDelta.ceilTo(at("10:05").toEpochMilli(), 300_000), "an exact bucket stays");
    }

    @Test
    void aViewedProductsScoreIsItsInterestExpiryLessADaySoBothLeaveTheTrailing24HoursTogether() {
        ActivityDelta d = delta(List.of(r(0, PAGE_VIEW, 1, "p1", at("10:00:01")), r(1, PAGE_VIEW, 1, "p1", at("10:04:59")),
                r(2, PAGE_VIEW, 1, "p2", at("10:05")), r(3, PAGE_VIEW, 1, "p3", at("10:05:00.001"))), -1, 0);
        long fivePast = at("10:05").toEpochMilli();
        assertEquals(Map.of("p1", fivePast, "p2", fivePast, "p3", at("10:10").toEpochMilli()), d.viewedAt.get(1L),
                "views within one bucket share its end, so a view again within it moves nothing in Redis");
        for (Map.Entry<String, Long> e : d.viewedAt.get(1L).entrySet()) {
            String category = CATALOG.get(e.getKey());
            assertTrue(d.interestExpiries.get(1L).containsKey((e.getValue() + ActivityDelta.DAY) + "|" + category),
                    e.getKey() + "'s viewed score + 24 h is the expiry of its interest: " + d.interestExpiries.get(1L));
        }
        // A bucket that does not divide a day: the score still follows the interest's expiry, never before the view.
        long sevenMinutes = 420_000;
        long view = at("10:00:01").toEpochMilli();
        assertEquals(ActivityDelta.expiry(view, sevenMinutes) - ActivityDelta.DAY, ActivityDelta.viewedScore(view, sevenMinutes));
        assertTrue(ActivityDelta.viewedScore(view, sevenMinutes) >= view);
        assertTrue(ActivityDelta.viewedScore(view, sevenMinutes) < view + sevenMinutes);
    }

    @Test
    void recordsAtOrBelowTheWatermarkAreSkipped() {
        List<Record> records = List.of(r(4, PAGE_VIEW, 1, "p1", at("10:00")), r(5, PAGE_VIEW, 1, "p1", at("10:00")),
                r(6, PAGE_VIEW, 1, "p1", at("10:00")));
        ActivityDelta d = delta(records, 5, 0);
        assertEquals(2, d.skipped);
        assertEquals(1, d.applied);
        assertEquals(Map.of("shoes", 1L), d.interests.get(1L));
        assertEquals(6, d.lastOffset);
        ActivityDelta t = trending(records, 5, 0);
        assertEquals(Map.of("p1", 1L), t.trend.get(at("10:00").toEpochMilli()));
        assertEquals(6, t.lastOffset);

        ActivityDelta replay = delta(List.of(r(4, PAGE_VIEW, 1, "p1", at("10:00"))), 5, 0);
        assertEquals(5, replay.lastOffset, "a replay leaves the watermark where it was");
        assertTrue(replay.viewedAt.isEmpty() && replay.dirtyUsers.isEmpty());
        assertTrue(trending(List.of(r(4, PAGE_VIEW, 1, "p1", at("10:00"))), 5, 0).trend.isEmpty());
    }

    @Test
    void lateIsJudgedAgainstStreamTimeAsItMovesOnWithinTheFlush() {
        long before = at("10:00").toEpochMilli();
        ActivityDelta d = delta(List.of(
                r(0, PAGE_VIEW, 1, "p1", at("09:46")),  // 14 min behind 10:00: in time
                r(1, PAGE_VIEW, 1, "p1", at("10:30")),  // moves stream time on
                r(2, PAGE_VIEW, 2, "p1", at("10:14:59")), // now more than 15 min behind: late
                r(3, CLICK, 2, "p1", at("10:20"))), -1, before);
        assertEquals(List.of(2L), d.lateOffsets);
        assertEquals(Map.of("late", 1L), d.dlqCounts);
        assertEquals(at("10:30").toEpochMilli(), d.streamTime);
        assertEquals(Map.of("v", 2L, "c", 1L), d.kindCounts);
        assertEquals(List.of(1L), List.copyOf(d.dirtyUsers), "a click changes no recommendation input");
        assertEquals(4, d.applied, "late records are applied: counted and dead-lettered, once");
    }

    @Test
    void olderEventsNeverMoveStreamTimeBack() {
        ActivityDelta d = delta(List.of(r(0, CLICK, 1, "p1", at("10:00"))), -1, at("10:10").toEpochMilli());
        assertEquals(at("10:10").toEpochMilli(), d.streamTime);
    }

    @Test
    void rejectedRecordsCountTheirReasonAndPurchasesAndCartsKeepTheNewestTime() {
        ActivityDelta d = delta(List.of(
                r(0, REJECTED, 0, "unparseable", Instant.EPOCH),
                r(1, REJECTED, 0, "unparseable", Instant.EPOCH),
                r(2, PURCHASE, 7, "p2", at("10:01")),
                r(3, PURCHASE, 7, "p2", at("10:00")),
                r(4, ADD_TO_CART, 8, "p3", at("10:02"))), -1, 0);
        assertEquals(Map.of("unparseable", 2L), d.dlqCounts);
        assertEquals(Map.of("p2", at("10:01").toEpochMilli()), d.boughtAt.get(7L));
        assertEquals(Map.of("p3", at("10:02").toEpochMilli()), d.cartedAt.get(8L));
        assertEquals(List.of(7L, 8L), List.copyOf(d.dirtyUsers));
        assertEquals(Map.of("p", 2L, "a", 1L), d.kindCounts);
    }

    @Test
    void aViewOfAProductTheCatalogDoesNotKnowCountsForTrendingButNoCategory() {
        ActivityDelta d = delta(List.of(r(0, PAGE_VIEW, 1, "ghost", at("10:00"))), -1, 0);
        assertEquals(Map.of("ghost", 1L), trending(List.of(r(0, PAGE_VIEW, 1, "ghost", at("10:00"))), -1, 0).trend.get(at("10:00").toEpochMilli()));
        assertTrue(d.interests.isEmpty() && d.popularity.isEmpty() && d.interestDue.isEmpty());
        assertEquals(Map.of("v", 1L, ActivityDelta.UNKNOWN_PRODUCT, 1L), d.kindCounts);
        assertEquals(List.of(1L), List.copyOf(d.dirtyUsers));
    }

    @Test
    void theTrendingLaneCountsViewsOnlyAndJudgesLatenessAsTheUsersLaneDoes() {
        long before = at("10:00").toEpochMilli();
        List<Record> records = List.of(
                r(0, PAGE_VIEW, 1, "p1", at("09:46")),   // in time
                r(1, CLICK, 1, "p1", at("10:30")),       // a click moves stream time on in both lanes
                r(2, PAGE_VIEW, 2, "p2", at("10:14:59")), // late in both
                r(3, REJECTED, 0, "unparseable", Instant.EPOCH),
                r(4, PAGE_VIEW, 2, "p2", at("10:31")),
                r(5, ADD_TO_CART, 2, "p2", at("10:32")));
        ActivityDelta users = delta(records, -1, before);
        ActivityDelta t = trending(records, -1, before);
        assertEquals(List.of(2L), users.lateOffsets);
        assertEquals(Map.of(at("09:00").toEpochMilli(), Map.of("p1", 1L), at("10:00").toEpochMilli(), Map.of("p2", 1L)), t.trend,
                "the views in time, in their windows; not the late one");
        assertEquals(users.streamTime, t.streamTime);
        assertEquals(5, t.lastOffset);
        assertTrue(t.lateOffsets.isEmpty() && t.dlqCounts.isEmpty() && t.kindCounts.isEmpty() && t.dirtyUsers.isEmpty(),
                "the users lane counts, dead-letters and queues; the trending lane does not");
        assertTrue(t.viewedAt.isEmpty() && t.interests.isEmpty() && t.popularity.isEmpty() && t.cartedAt.isEmpty());
    }
}
