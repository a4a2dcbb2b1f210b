package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpeedRecommendationsTest {
    private static ScoredProduct sp(String id, double score) {
        return new ScoredProduct(id, score);
    }

    private static List<String> ids(List<RecommendedItem> items) {
        return items.stream().map(RecommendedItem::productId).toList();
    }

    private static final Set<String> ALL = Set.of("a1", "a2", "a3", "b1", "b2", "c1", "d1", "t1", "t2", "t3");

    @Test
    void topThreeCategoriesByViewsThenName() {
        var top = SpeedRecommendations.topCategories(Map.of("d", 1L, "c", 2L, "b", 2L, "a", 5L, "z", 0L));
        assertEquals(List.of("a", "b", "c"), top.stream().map(Map.Entry::getKey).toList());
    }

    @Test
    void topCategoriesEqualsAFullSortOnRandomInterestsAlsoAsRedisKeepsThem() {
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 2_000; round++) {
            Map<String, Long> interests = new java.util.HashMap<>();
            int size = random.nextInt(30);
            for (int i = 0; i < size; i++) {
                interests.put("c" + random.nextInt(40), (long) random.nextInt(6) - 1); // ties, zeros and negatives
            }
            List<String> want = interests.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue(java.util.Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                    .limit(3).map(Map.Entry::getKey).toList();
            assertEquals(want, SpeedRecommendations.topCategories(interests).stream().map(Map.Entry::getKey).toList(), interests.toString());
            Map<String, String> stored = new java.util.HashMap<>();
            interests.forEach((c, v) -> stored.put(c, Long.toString(v)));
            assertEquals(SpeedRecommendations.topCategories(interests), SpeedRecommendations.topCategoriesOfStored(stored), "as Redis keeps them");
        }
    }

    @Test
    void ordersByCategoryRankThenPopularityThenProductId() {
        SpeedInputs in = new SpeedInputs(1, Map.of("A", 3L, "B", 1L),
                Set.of(), Set.of(),
                Map.of("A", List.of(sp("a3", 5), sp("a1", 9), sp("a2", 5)), "B", List.of(sp("b1", 100))),
                ALL, List.of());
        assertEquals(List.of("a1", "a2", "a3", "b1"), ids(SpeedRecommendations.compute(in, 20)));
    }

    @Test
    void leavesOutViewedBoughtOutOfStockAndUnknownProducts() {
        SpeedInputs in = new SpeedInputs(1, Map.of("A", 3L),
                Set.of("a1"), Set.of("a2"),
                Map.of("A", List.of(sp("a1", 9), sp("a2", 8), sp("a3", 7), sp("gone", 6))),
                Set.of("a1", "a2"), List.of());
        assertEquals(List.of(), ids(SpeedRecommendations.compute(in, 20)), "a3 out of stock, 'gone' not in the catalog");
    }

    @Test
    void fillsUpFromTrendingWithoutDuplicatesAndCapsAtN() {
        SpeedInputs in = new SpeedInputs(1, Map.of("A", 1L),
                Set.of("t2"), Set.of(),
                Map.of("A", List.of(sp("a1", 4), sp("t1", 3))),
                ALL, List.of(sp("t3", 5), sp("t1", 50), sp("t2", 20)));
        List<RecommendedItem> items = SpeedRecommendations.compute(in, 3);
        assertEquals(List.of("a1", "t1", "t3"), ids(items));
        assertEquals(RecommendedItem.SPEED, items.get(1).source(), "t1 came from the category first");
        assertEquals(RecommendedItem.TRENDING, items.get(2).source());
        assertEquals("trending now (5 views this hour)", items.get(2).reason());
        assertTrue(items.get(0).reason().contains("your #1 category (1 view by you in 24 h)"), items.get(0).reason());
    }

    @Test
    void unknownUserGetsTrending() {
        SpeedInputs in = new SpeedInputs(42, Map.of(), Set.of(), Set.of(), Map.of(), ALL,
                List.of(sp("t1", 3), sp("t2", 3)));
        List<RecommendedItem> items = SpeedRecommendations.compute(in, 20);
        assertEquals(List.of("t1", "t2"), ids(items));
        items.forEach(i -> assertEquals(RecommendedItem.TRENDING, i.source()));
    }

    @Test
    void jsonKeepsTheOriginalLayout() {
        String json = RecommendationJson.write(123, List.of(new RecommendedItem("p1", "speed", "why", 2.0)),
                java.time.Instant.parse("2024-07-27T10:00:00Z"), null, "v7", 3);
        assertTrue(json.startsWith("{\"user_id\":123,\"recommended_products\":[\"p1\"],\"items\":[{\"product_id\":\"p1\",\"source\":\"speed\""), json);
        assertTrue(json.endsWith("\"generated_at\":\"2024-07-27T10:00:00Z\",\"stream_time\":null,\"batch_version\":\"v7\",\"rules_version\":3}"), json);
    }
}
