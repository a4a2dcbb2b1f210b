package io.nowcast.activity;

import static io.nowcast.activity.ActivityApplier.Kind.PAGE_VIEW;
import static io.nowcast.testing.Events.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.activity.ActivityApplier.Record;
import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * The per-user keys are re-merged from a queue in Redis that flushes fill in their own transaction, so a
 * crash anywhere between a flush and the key's write delays the key, never loses it.
 */
@Timeout(120) // drain() waits for the queue to empty: a refresher that lost users would hang, not pass
class RecommendationRefresherIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RedisClient redis;
    private RedisKeys keys;
    private ActivityApplier applier;

    @BeforeEach
    void connect() {
        Endpoints e = TestServers.redis();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        keys = new RedisKeys(TestServers.uniquePrefix("refresher"));
        applier = new ActivityApplier(redis, keys, ActivityApplier.Settings.defaults(), ActivityApplier.Lane.USERS);
        for (int i = 1; i <= 12; i++) {
            String category = i <= 6 ? "shoes" : "books";
            redis.hset(keys.product("p" + i), Map.of("category", category, "in_stock", "true"));
            redis.zadd(keys.category(category), 0, "p" + i); // the catalog's category index
        }
    }

    @AfterEach
    void cleanUp() {
        if (redis != null) {
            applier.close();
            redis.keys(keys.prefix() + "*").forEach(redis::del);
            redis.close();
        }
    }

    private void views(long user, String... products) {
        long offset = redis.get(keys.activityOffset(0)) == null ? 0 : Long.parseLong(redis.get(keys.activityOffset(0))) + 1;
        List<Record> records = new java.util.ArrayList<>();
        for (String p : products) {
            records.add(new Record(offset++, PAGE_VIEW, user, p, at("10:00").toEpochMilli()));
        }
        applier.apply(0, records);
    }

    private JsonNode key(long user) throws Exception {
        String json = redis.get(keys.recommendations(user));
        assertNotNull(json, "user " + user + " has a key");
        return JSON.readTree(json);
    }

    @Test
    void queuedUsersGetTheirKeysAndLeaveTheQueue() throws Exception {
        views(1, "p1", "p2");
        views(2, "p7");
        assertEquals(List.of("1", "2"), redis.zrange(keys.recommendationsDirty(), 0, -1));
        try (RecommendationRefresher refresher = new RecommendationRefresher(redis, keys, 5).begin()) {
            refresher.drain();
        }
        JsonNode one = key(1);
        assertEquals(1, one.get("user_id").asLong());
        assertEquals("shoes", redis.hget(keys.product(one.get("recommended_products").get(0).asText()), "category"),
                "user 1 viewed shoes: " + one);
        assertEquals("books", redis.hget(keys.product(key(2).get("recommended_products").get(0).asText()), "category"));
        assertEquals(0, redis.zcard(keys.recommendationsDirty()));
        assertEquals(0, redis.zcard(keys.recommendationsRefreshing()));
        assertEquals(2, redis.zcard(keys.recommendedUsers()));
    }

    @Test
    void aQueueLongerThanARoundIsMergedInRoundsOldestFirst() throws Exception {
        int users = 2 * RecommendationRefresher.CHUNK + 10;
        Map<String, Double> queued = new java.util.HashMap<>();
        for (int u = 0; u < users; u++) {
            queued.put(Long.toString(1000 + u), (double) (1_000 + u)); // queued one millisecond apart, user 1000 first
        }
        redis.zadd(keys.recommendationsDirty(), queued);
        try (RecommendationRefresher refresher = new RecommendationRefresher(redis, keys, 5, 0).begin()) {
            refresher.drain();
        }
        assertEquals(users, redis.zcard(keys.recommendedUsers()));
        java.time.Instant first = java.time.Instant.parse(key(1000).get("generated_at").asText());
        java.time.Instant last = java.time.Instant.parse(key(1000 + users - 1).get("generated_at").asText());
        assertTrue(!first.isAfter(last), "the first queued was merged in the first round: " + first + " vs " + last);
        assertEquals(0, redis.zcard(keys.recommendationsDirty()));
        assertEquals(0, redis.zcard(keys.recommendationsRefreshing()));
    }

    @Test
    void usersADeadRefresherHeldAreMergedByTheNextOne() throws Exception {
        views(1, "p1");
        views(2, "p7");
        views(3, "p8");
        Double firstChange = redis.zscore(keys.recommendationsDirty(), "1");
        RecommendationRefresher dead = new RecommendationRefresher(redis, keys, 5);
        assertEquals(List.of(1L, 2L), dead.claim(2), "the two longest waiting, oldest first");
        // It dies here, before writing anything: the two are in neither the queue nor a key.
        assertEquals(List.of("3"), redis.zrange(keys.recommendationsDirty(), 0, -1));
        assertEquals(2, redis.zcard(keys.recommendationsRefreshing()));
        assertEquals(firstChange, redis.zscore(keys.recommendationsRefreshing(), "1"), "claimed with its place in the queue");
        assertNull(redis.get(keys.recommendations(1)));

        try (RecommendationRefresher next = new RecommendationRefresher(redis, keys, 5).begin()) {
            next.drain();
        }
        for (long user = 1; user <= 3; user++) {
            assertEquals(user, key(user).get("user_id").asLong());
        }
        assertEquals(0, redis.zcard(keys.recommendationsRefreshing()));
    }

    @Test
    void aRoundIsFollowedByItsShareOfRestAndAtLeastTheMinimumUnlessItWasFull() {
        assertEquals(20, RecommendationRefresher.pauseAfter(500, 0, false), "no rest: the minimum pause only");
        assertEquals(500, RecommendationRefresher.pauseAfter(500, 100, false));
        assertEquals(250, RecommendationRefresher.pauseAfter(500, 50, false));
        assertEquals(20, RecommendationRefresher.pauseAfter(5, 100, false), "never below the minimum");
        assertEquals(0, RecommendationRefresher.pauseAfter(500, 0, true), "a full round may have left users waiting: no minimum");
        assertEquals(5, RecommendationRefresher.pauseAfter(5, 100, true));
    }

    @Test
    void aRequeuedUserKeepsTheEarlierOfItsTwoPlacesInTheQueue() {
        redis.zadd(keys.recommendationsDirty(), Map.of("1", 300.0, "2", 200.0));
        redis.zadd(keys.recommendationsRefreshing(), Map.of("1", 100.0));
        RecommendationRefresher r = new RecommendationRefresher(redis, keys, 5);
        r.requeueClaimed();
        assertEquals(100.0, redis.zscore(keys.recommendationsDirty(), "1"), "queued again after being claimed at 100: keeps 100");
        assertEquals(List.of(1L, 2L), r.claim(10));
    }

    @Test
    void aClaimLeavesTheRestOfTheQueueAndNeverOverwritesARoundStillHeld() {
        redis.zadd(keys.recommendationsDirty(), Map.of("1", 300.0, "2", 200.0, "3", 400.0, "4", 500.0));
        RecommendationRefresher r = new RecommendationRefresher(redis, keys, 5);
        assertEquals(List.of(2L, 1L), r.claim(2), "the two longest waiting, oldest first");
        assertEquals(List.of("3", "4"), redis.zrange(keys.recommendationsDirty(), 0, -1));
        assertEquals(300.0, redis.zscore(keys.recommendationsRefreshing(), "1"));
        // A second claim before the first round is let go of (the refresher never does this): the held
        // users go back to the queue at their places and are taken first, none is lost.
        assertEquals(List.of(2L, 1L, 3L), r.claim(3));
        assertEquals(List.of("4"), redis.zrange(keys.recommendationsDirty(), 0, -1));
        assertEquals(List.of(2L, 1L, 3L), r.claim(3), "still held, so taken again, in order");
        assertEquals(List.of("4"), redis.zrange(keys.recommendationsDirty(), 0, -1));
        redis.del(keys.recommendationsRefreshing()); // as the round's writes let go of it
        assertEquals(List.of(4L), r.claim(3));
        redis.del(keys.recommendationsRefreshing());
        assertEquals(List.of(), r.claim(3), "an empty queue: nothing claimed");
        assertFalse(redis.exists(keys.recommendationsRefreshing()), "nothing claimed, nothing held");
    }
}
