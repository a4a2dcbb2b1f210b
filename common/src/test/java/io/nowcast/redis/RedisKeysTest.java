package io.nowcast.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Pins every key string: they are the contract with other processes and shops' own apps. */
class RedisKeysTest {
    private final RedisKeys keys = new RedisKeys("");

    @Test
    void originalDesignKeysKeepTheirExactLayout() {
        assertEquals("123", keys.recommendations(123));
        assertEquals("trending:2024-03-21T10:00:00", keys.trending(Instant.parse("2024-03-21T10:00:00Z")));
    }

    @Test
    void typedNamespaces() {
        assertEquals("product:product_abc", keys.product("product_abc"));
        assertEquals("interest:123", keys.interest(123));
        assertEquals("viewed:123", keys.viewed(123));
        assertEquals("bought:123", keys.bought(123));
        assertEquals("category:shoes/running", keys.category("shoes/running"));
        assertEquals("carted:123", keys.carted(123));
    }

    @Test
    void batchVersions() {
        assertEquals("products", keys.products());
        assertEquals("batch:current", keys.batchCurrent());
        assertEquals("rules:current", keys.rules());
        assertEquals("speed:applied_at", keys.speedAppliedAt());
        assertEquals("rules:version", keys.rulesVersion());
        assertEquals("recommendations:users", keys.recommendedUsers());
        assertEquals("recommendations:dirty", keys.recommendationsDirty());
        assertEquals("recommendations:refreshing", keys.recommendationsRefreshing());
        assertEquals("catalog:version", keys.catalogVersion());
        assertEquals("batch:run_requests", keys.batchRunRequests());
        assertEquals("speed:progress", keys.speedProgress());
        assertEquals("catalog:remerged", keys.catalogRemerged());
        assertEquals("batch:versions", keys.batchVersions());
        assertEquals("batch:pending", keys.batchPending());
        assertEquals("batch:meta:20240727T020000Z-r3", keys.batchMeta("20240727T020000Z-r3"));
        assertEquals("copurchase:20240727T020000Z-r3", keys.copurchase("20240727T020000Z-r3"));
        assertEquals("cf:20240727T020000Z-r3", keys.cf("20240727T020000Z-r3"));
    }

    @Test
    void speedLayerBookkeeping() {
        assertEquals("trending:counts:2024-03-21T10:00:00", keys.trendingCounts(Instant.parse("2024-03-21T10:00:00Z")));
        assertEquals("trending:windows", keys.trendingWindows());
        assertEquals("stream:time", keys.streamTime());
        assertEquals("offsets:user_activity:3", keys.activityOffset(3));
        assertArrayEquals(new String[] {"offsets:user_activity:0", "offsets:user_activity:1"}, keys.activityOffsets(2));
        assertEquals("offsets:trending:3", keys.trendingOffset(3));
        assertEquals("topic-id:user_activity", keys.topicId("user_activity"));
        assertArrayEquals(new String[] {"offsets:user_activity:*", "offsets:trending:*"}, keys.watermarkPatterns());
        assertArrayEquals(new String[] {"a\\*b\\?\\[c\\]:offsets:user_activity:*", "a\\*b\\?\\[c\\]:offsets:trending:*"},
                new RedisKeys("a*b?[c]:").watermarkPatterns());
        assertEquals("dlq:counts", keys.dlqCounts());
        assertEquals("speed:counts", keys.speedCounts());
        assertEquals("interest:expiry:7", keys.interestExpiry(7));
        assertEquals("interest:due", keys.interestDue());
        assertEquals("popularity:expiry:1721000000000", keys.popularityExpiry(1721000000000L));
        assertEquals("popularity:due", keys.popularityDue());
    }

    @Test
    void prefixNamespacesEveryKey() {
        RedisKeys shop = new RedisKeys("shop1:");
        assertEquals("shop1:123", shop.recommendations(123));
        assertEquals("shop1:trending:2024-03-21T10:00:00", shop.trending(Instant.parse("2024-03-21T10:00:00Z")));
        assertEquals("shop1:product:p", shop.product("p"));
        assertEquals("shop1:interest:1", shop.interest(1));
    }

    @Test
    void theUserOfAPerUserKeyAndNoUserForAnyOtherKey() {
        RedisKeys shop = new RedisKeys("shop1:");
        assertEquals(123L, shop.userOfRecommendations(shop.recommendations(123)));
        assertEquals(0L, shop.userOfRecommendations("shop1:0"));
        assertEquals(999_999_999_999_999_999L, shop.userOfRecommendations("shop1:999999999999999999"));
        assertNull(shop.userOfRecommendations("shop1:"));
        assertNull(shop.userOfRecommendations("shop1:12a"));
        assertNull(shop.userOfRecommendations("shop1:-1"));
        assertNull(shop.userOfRecommendations("shop1:1234567890123456789"), "longer than any id a long holds safely");
        assertNull(shop.userOfRecommendations(shop.interest(1)));
        assertNull(shop.userOfRecommendations(shop.rulesVersion()));
        assertNull(shop.userOfRecommendations("shop2:123"));
        assertEquals(7L, new RedisKeys("").userOfRecommendations("7"));
    }
}
