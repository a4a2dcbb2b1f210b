package io.nowcast.activity;

import static io.nowcast.activity.ActivityApplier.Kind.ADD_TO_CART;
import static io.nowcast.activity.ActivityApplier.Kind.PAGE_VIEW;
import static io.nowcast.activity.ActivityApplier.Kind.PURCHASE;
import static io.nowcast.activity.ActivityApplier.Kind.REJECTED;
import static io.nowcast.testing.Events.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.Tuple;

/** The exactly-once core of the speed layer, against a real Redis, with hand-computed answers. */
class ActivityApplierIT {
    private RedisClient redis;
    private RedisKeys keys;
    private Lanes script;
    private long nextOffset;

    @BeforeEach
    void connect() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("activity"));
        script = new Lanes(redis, keys, ActivityApplier.Settings.defaults());
    }

    @AfterEach
    void cleanUp() {
        if (redis != null) {
            redis.keys(keys.prefix() + "*").forEach(redis::del);
            redis.close();
        }
    }

    private Record view(long user, String product, Instant at) {
        return new Record(nextOffset++, PAGE_VIEW, user, product, at.toEpochMilli());
    }

    private void catalog(String product, String category) {
        redis.hset(keys.product(product), Map.of("category", category, "in_stock", "true"));
    }

    @Test
    void topTenKeepsCountDescendingThenProductIdAscending() {
        List<Record> records = new ArrayList<>();
        // p00..p11: p00 and p01 get 3 views, p02..p11 get 1 view each: ten products tie for the last eight places.
        for (int i = 0; i < 12; i++) {
            int views = i < 2 ? 3 : 1;
            for (int v = 0; v < views; v++) {
                records.add(view(100 + i, String.format("p%02d", 11 - i), at("10:0" + v)));
            }
        }
        script.apply(0, records);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("p11", "3");
        expected.put("p10", "3");
        for (int i = 0; i < 8; i++) {
            expected.put(String.format("p%02d", i), "1");
        }
        assertEquals(expected, redis.hgetAll(keys.trending(at("10:00"))));
        assertEquals(12, redis.zcard(keys.trendingCounts(at("10:00"))));
        assertEquals(3.0, redis.zscore(keys.trendingCounts(at("10:00")), "p10"));

        // One more view lifts p09 out of the tie and past p00..p07 as well.
        script.apply(0, List.of(view(7, "p09", at("10:30")), view(8, "p09", at("10:31"))));
        Map<String, String> top = redis.hgetAll(keys.trending(at("10:00")));
        assertEquals("3", top.get("p09"));
        assertNull(top.get("p07"), "p07 is now eleventh: " + top);
        assertEquals(10, top.size());
    }

    /**
     * The script ranks only the counted products that can enter the top 10; after every one of many small
     * flushes of skewed, tie-heavy views the hash must still be the top 10 of all the window's counts.
     */
    @Test
    void afterEveryFlushTheTopTenIsTheBestTenOfAllCountsTiesByProductId() {
        Random random = new Random(11);
        for (int flush = 0; flush < 60; flush++) {
            List<Record> records = new ArrayList<>();
            for (int i = random.nextInt(8); i >= 0; i--) {
                int product = (int) Math.min(29, Math.abs(random.nextGaussian() * 10));
                records.add(view(1 + random.nextInt(5), String.format("p%02d", product), at("10:00").plusSeconds(flush)));
            }
            script.trending.apply(0, records);
            List<Tuple> all = redis.zrangeWithScores(keys.trendingCounts(at("10:00")), 0, -1);
            List<Tuple> best = new ArrayList<>(all);
            best.sort(Comparator.comparingDouble(Tuple::getScore).reversed()
                    .thenComparing(Tuple::getElement));
            Map<String, String> expected = new HashMap<>();
            best.subList(0, Math.min(10, best.size())).forEach(t -> expected.put(t.getElement(), Long.toString((long) t.getScore())));
            assertEquals(expected, redis.hgetAll(keys.trending(at("10:00"))), "after flush " + flush);
        }
    }

    @Test
    void windowsAreTheUtcHourOfTheEventTime() {
        script.apply(0, List.of(view(1, "p1", at("10:59:59")), view(1, "p1", at("11:00:00"))));
        assertEquals(Map.of("p1", "1"), redis.hgetAll(keys.trending(at("10:00"))));
        assertEquals(Map.of("p1", "1"), redis.hgetAll(keys.trending(at("11:00"))));
        assertEquals(List.of("2024-07-27T10:00:00", "2024-07-27T11:00:00"), redis.zrange(keys.trendingWindows(), 0, -1));
        long ttl = redis.ttl(keys.trending(at("10:00")));
        assertTrue(ttl > 47 * 3600 && ttl <= 48 * 3600, "ttl " + ttl);
    }

    @Test
    void replayedFlushChangesNothingAndAnOverlappingOneAppliesOnlyTheNewRecords() {
        catalog("p1", "shoes/running");
        List<Record> first = List.of(view(1, "p1", at("10:00")), view(2, "p1", at("10:01")), view(1, "p1", at("10:02")));
        ActivityApplier.Result applied = script.apply(0, first);
        assertEquals(3, applied.applied());
        assertEquals(List.of(1L, 2L), applied.dirtyUsers());
        assertEquals(List.of("1", "2"), redis.zrange(keys.recommendationsDirty(), 0, -1), "queued for a re-merge in the flush's transaction");
        // The refresher takes user 1; a replay must not queue anyone again.
        redis.zrem(keys.recommendationsDirty(), "1", "2");

        ActivityApplier.Result replay = script.apply(0, first);
        assertEquals(0, replay.applied());
        assertEquals(3, replay.skipped());
        assertEquals(0, redis.zcard(keys.recommendationsDirty()), "a replay changes no input, so queues no one");

        List<Record> overlapping = new ArrayList<>(first.subList(1, 3));
        overlapping.add(view(3, "p1", at("10:03")));
        ActivityApplier.Result partly = script.apply(0, overlapping);
        assertEquals(1, partly.applied());
        assertEquals(2, partly.skipped());
        assertEquals(List.of("3"), redis.zrange(keys.recommendationsDirty(), 0, -1));

        assertEquals("4", redis.hget(keys.trending(at("10:00")), "p1"));
        assertEquals("2", redis.hget(keys.interest(1), "shoes/running"));
        assertEquals(4.0, redis.zscore(keys.category("shoes/running"), "p1"));
        assertEquals("3", redis.get(keys.activityOffset(0)));
    }

    @Test
    void aSecondWriterOfThePartitionBetweenReadAndWriteMakesTheFlushStartAgainAndCountNothingTwice() {
        catalog("p1", "shoes/running");
        List<Record> flush = List.of(view(1, "p1", at("10:00")), view(2, "p1", at("10:01")), view(3, "p1", at("10:02")));
        Lanes zombie = new Lanes(redis, keys, ActivityApplier.Settings.defaults());
        int[] strikes = {0};
        script.users.afterRead = () -> {
            if (strikes[0]++ == 0) {
                // Another task of partition 0 applies the first two records while this one is between its read and EXEC.
                zombie.apply(0, flush.subList(0, 2));
            }
        };
        ActivityApplier.Result r = script.apply(0, flush);
        assertEquals(2, strikes[0], "the first attempt was aborted by WATCH and the flush read again");
        assertEquals(1, r.applied());
        assertEquals(2, r.skipped());
        assertEquals("3", redis.hget(keys.trending(at("10:00")), "p1"), "each view counted once");
        assertEquals(3.0, redis.zscore(keys.category("shoes/running"), "p1"));
        assertEquals("2", redis.get(keys.activityOffset(0)));
        assertTrue(redis.ttl(keys.viewed(3)) > 0, "the aborted attempt's EXPIRE was sent again: " + redis.ttl(keys.viewed(3)));
    }

    @Test
    void perUserKeysGetTheirTtlWhenFirstTouchedAndAgainOnlyOnceThePeriodIsOver() {
        catalog("p1", "shoes/running");
        long[] wall = {1_000_000};
        script.users.wallClock = () -> wall[0];
        String[] userKeys = {keys.viewed(1), keys.interest(1), keys.interestExpiry(1), keys.carted(1)};
        long fullTtl = ActivityApplier.Settings.defaults().userTtl().toSeconds();
        script.apply(0, List.of(view(1, "p1", at("10:01")), new Record(nextOffset++, ADD_TO_CART, 1, "p1", at("10:02").toEpochMilli())));
        for (String k : userKeys) {
            assertTrue(redis.ttl(k) > fullTtl - 60, k + " has the user TTL: " + redis.ttl(k));
            redis.expire(k, 100); // shortened, to see whether the next flush refreshes it
        }

        wall[0] += TtlRefreshes.EVERY.toMillis() - 1;
        script.apply(0, List.of(view(1, "p1", at("10:03")), new Record(nextOffset++, ADD_TO_CART, 1, "p1", at("10:04").toEpochMilli())));
        for (String k : userKeys) {
            assertTrue(redis.ttl(k) <= 100, k + " was left alone within the period: " + redis.ttl(k));
        }
        assertEquals("2", redis.hget(keys.interest(1), "shoes/running"), "the flush itself applied");

        wall[0] += 1;
        script.apply(0, List.of(view(1, "p1", at("10:05")), new Record(nextOffset++, ADD_TO_CART, 1, "p1", at("10:06").toEpochMilli())));
        for (String k : userKeys) {
            assertTrue(redis.ttl(k) > fullTtl - 60, k + " was refreshed once the period was over: " + redis.ttl(k));
        }
    }

    @Test
    void partitionsKeepTheirOwnWatermarks() {
        script.apply(0, List.of(new Record(5, PAGE_VIEW, 1, "p1", at("10:00").toEpochMilli())));
        ActivityApplier.Result other = script.apply(1, List.of(new Record(0, PAGE_VIEW, 2, "p1", at("10:00").toEpochMilli())));
        assertEquals(1, other.applied(), "offset 0 of partition 1 is new, whatever partition 0 reached");
        assertEquals("2", redis.hget(keys.trending(at("10:00")), "p1"));
    }

    @Test
    void theLanesApplyIndependentlyEachExactlyOnceUnderItsOwnWatermark() {
        catalog("p1", "shoes/running");
        List<Record> flush = List.of(view(1, "p1", at("10:00")), view(2, "p1", at("10:01")));
        script.trending.apply(0, flush);
        assertEquals("2", redis.hget(keys.trending(at("10:00")), "p1"), "trending shows before the users lane flushed");
        assertEquals("1", redis.get(keys.trendingOffset(0)));
        assertNull(redis.get(keys.activityOffset(0)));
        assertNull(redis.get(keys.streamTime()), "only the users lane moves stream time");
        assertTrue(redis.hgetAll(keys.interest(1)).isEmpty());

        assertEquals(0, script.trending.apply(0, flush).applied(), "a replayed trending flush counts nothing twice");
        ActivityApplier.Result users = script.users.apply(0, flush);
        assertEquals(2, users.applied());
        assertEquals("2", redis.hget(keys.trending(at("10:00")), "p1"), "the users lane leaves trending alone");
        assertEquals(Map.of("shoes/running", "1"), redis.hgetAll(keys.interest(1)));
        assertEquals("1", redis.get(keys.activityOffset(0)));
        assertEquals(at("10:01").toEpochMilli(), Long.parseLong(redis.get(keys.streamTime())));
    }

    @Test
    void interestsCountPageViewsByCategoryAndExpireAfter24HoursRoundedUpToTheBucket() {
        catalog("p1", "shoes/running");
        catalog("p2", "home/kitchen");
        script.apply(0, List.of(view(1, "p1", at("10:01")), view(1, "p2", at("10:02")), view(1, "p1", at("12:00"))));
        assertEquals(Map.of("shoes/running", "2", "home/kitchen", "1"), redis.hgetAll(keys.interest(1)));

        // Another user's view moves stream time to the next day 10:04: views of 10:01 and 10:02 expire at 10:05, not yet.
        Instant nextDay = at("10:04").plus(Duration.ofDays(1));
        script.apply(0, List.of(view(2, "p2", nextDay)));
        assertEquals("2", redis.hget(keys.interest(1), "shoes/running"));

        // At 10:05 the next day both morning views drop out, though user 1 did nothing.
        redis.del(keys.recommendationsDirty()); // the refresher took everyone queued so far
        ActivityApplier.Result r = script.apply(0, List.of(view(2, "p2", at("10:05").plus(Duration.ofDays(1)))));
        assertEquals(Map.of("shoes/running", "1"), redis.hgetAll(keys.interest(1)));
        assertTrue(r.dirtyUsers().contains(1L), "user 1's recommendations need refreshing: " + r.dirtyUsers());
        assertTrue(redis.zscore(keys.recommendationsDirty(), "1") != null, "and the sweep queued user 1 for a re-merge");
        // Popularity over the trailing 24 h drops the same way.
        assertEquals(1.0, redis.zscore(keys.category("shoes/running"), "p1"));
        assertEquals(2.0, redis.zscore(keys.category("home/kitchen"), "p2"));
    }

    @Test
    void viewsCountTowardTheCategoryTheProductHasWhenTheViewIsProcessed() {
        catalog("p1", "shoes/running");
        script.apply(0, List.of(view(1, "p1", at("10:00"))));
        catalog("p1", "shoes/trail");
        script.apply(0, List.of(view(1, "p1", at("10:10"))));
        assertEquals(Map.of("shoes/running", "1", "shoes/trail", "1"), redis.hgetAll(keys.interest(1)));
    }

    @Test
    void unknownProductsCountButDoNotMakeInterests() {
        script.apply(0, List.of(view(1, "ghost", at("10:00"))));
        assertEquals("1", redis.hget(keys.speedCounts(), "unknown_product"));
        assertEquals(Map.of(), redis.hgetAll(keys.interest(1)));
        assertEquals("1", redis.hget(keys.trending(at("10:00")), "ghost"), "trending counts every view");
        assertEquals(at("10:00").toEpochMilli(), redis.zscore(keys.viewed(1), "ghost").longValue(), "a view on a bucket's edge keeps its time");
    }

    @Test
    void lateEventsAreCountedAndReturnedButChangeNothing() {
        long before = System.currentTimeMillis();
        script.apply(0, List.of(view(1, "p1", at("12:00"))));
        long appliedAt = Long.parseLong(redis.get(keys.speedAppliedAt()));
        assertTrue(appliedAt >= before - 1000 && appliedAt <= System.currentTimeMillis() + 1000, "the flush's wall-clock time, not event time");
        Record late = view(2, "p1", at("11:44:59"));
        Record inTime = view(3, "p1", at("11:45:00"));
        ActivityApplier.Result r = script.apply(0, List.of(late, inTime));
        assertEquals(List.of(late.offset()), r.lateOffsets());
        assertEquals("1", redis.hget(keys.dlqCounts(), "late"));
        assertEquals(Map.of("p1", "1"), redis.hgetAll(keys.trending(at("11:00"))), "only the in-time view counts");
        assertEquals(at("12:00").toEpochMilli(), Long.parseLong(redis.get(keys.streamTime())), "an older event never moves stream time back");
    }

    @Test
    void purchasesAndCartsGoToTheirSetsAndRejectedRecordsToTheDlqCounts() {
        script.apply(0, List.of(
                new Record(nextOffset++, PURCHASE, 1, "p1", at("10:00").toEpochMilli()),
                new Record(nextOffset++, ADD_TO_CART, 1, "p2", at("10:01").toEpochMilli()),
                new Record(nextOffset++, REJECTED, 0, "unparseable", at("10:01").toEpochMilli()),
                new Record(nextOffset++, REJECTED, 0, "unparseable", at("10:01").toEpochMilli()),
                new Record(nextOffset++, REJECTED, 0, "future_timestamp", at("10:01").toEpochMilli())));
        assertEquals(List.of("p1"), redis.zrange(keys.bought(1), 0, -1));
        assertEquals(List.of("p2"), redis.zrange(keys.carted(1), 0, -1));
        assertEquals(Map.of("unparseable", "2", "future_timestamp", "1"), redis.hgetAll(keys.dlqCounts()));
        assertEquals(Map.of("p", "1", "a", "1"), redis.hgetAll(keys.speedCounts()));
    }

    /**
     * One call touching more members of a key than one ZADD takes (the script sends them in chunks):
     * every user's due time, every viewed product and every purchase lands, and GT/LT still hold per member.
     */
    @Test
    void aLargeFlushSetsEveryMemberAndKeepsNewestViewsAndEarliestDueTimes() {
        catalog("p1", "c1");
        List<Record> records = new java.util.ArrayList<>();
        int users = 1_300;
        for (int u = 0; u < users; u++) {
            records.add(view(u, "p1", at("10:00").plusSeconds(u % 60)));
        }
        for (int k = 0; k < 1_200; k++) {
            records.add(view(5_000, "q" + k, at("10:00").plusSeconds(k % 7)));
            records.add(new Record(nextOffset++, PURCHASE, 5_001, "q" + k, at("10:00").plusSeconds(k % 5).toEpochMilli()));
        }
        // A later view of one product and an earlier one of another: GT keeps the newest time.
        records.add(view(5_000, "q1", at("10:30")));
        records.add(view(5_000, "q2", at("09:00")));
        script.apply(0, records);

        long bucket = ActivityApplier.Settings.defaults().interestBucket().toMillis();
        for (int u = 0; u < users; u++) {
            long ts = at("10:00").plusSeconds(u % 60).toEpochMilli();
            long due = (ts + 86_400_000L + bucket - 1) / bucket * bucket;
            assertEquals((double) due, redis.zscore(keys.interestDue(), Long.toString(u)), "user " + u);
            assertEquals((double) (due - 86_400_000L), redis.zscore(keys.viewed(u), "p1"), "user " + u + ": the view's time rounded up to the bucket");
        }
        assertEquals(1_200, redis.zcard(keys.viewed(5_000)));
        assertEquals(1_200, redis.zcard(keys.bought(5_001)));
        assertEquals((double) at("10:30").toEpochMilli(), redis.zscore(keys.viewed(5_000), "q1"));
        assertEquals((double) at("10:05").toEpochMilli(), redis.zscore(keys.viewed(5_000), "q2"), "10:00:02, rounded up");
        assertEquals((double) at("10:00").plusSeconds(4).toEpochMilli(), redis.zscore(keys.bought(5_001), "q1199"));

        // LT: a later view does not push a user's due time back; GT: an older view does not pull a view back.
        script.apply(0, List.of(view(0, "p1", at("11:00")), view(1, "p1", at("09:00"))));
        long ts0 = at("10:00").toEpochMilli();
        assertEquals((double) ((ts0 + 86_400_000L + bucket - 1) / bucket * bucket), redis.zscore(keys.interestDue(), "0"));
        assertEquals((double) at("11:00").toEpochMilli(), redis.zscore(keys.viewed(0), "p1"));
        assertEquals((double) at("10:05").toEpochMilli(), redis.zscore(keys.viewed(1), "p1"), "10:00:01, rounded up, not 09:00");
    }
}
