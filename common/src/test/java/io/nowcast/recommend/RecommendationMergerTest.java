package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.recommend.MergeInputs.ProductFacts;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every source, rule and exclusion of the merge, ties, caps and the unknown user, on hand-made inputs. */
class RecommendationMergerTest {
    private final Map<String, ProductFacts> catalog = new HashMap<>();
    private List<CfItem> cf = List.of();
    private final Map<String, List<Neighbour>> recent = new LinkedHashMap<>();
    private List<RecommendedItem> speed = List.of();
    private Set<String> bought = Set.of();
    private MerchandisingRules rules = MerchandisingRules.NONE;

    RecommendationMergerTest() {
        for (String p : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
            catalog.put(p, new ProductFacts("shoes", true));
        }
        catalog.put("k1", new ProductFacts("kitchen", true));
    }

    private List<RecommendedItem> merge(int n) {
        return RecommendationMerger.merge(new MergeInputs(cf, recent, speed, bought, catalog, rules), n);
    }

    private List<String> ids(int n) {
        return merge(n).stream().map(RecommendedItem::productId).toList();
    }

    private static RecommendedItem speedItem(String p, double popularity) {
        return new RecommendedItem(p, RecommendedItem.SPEED, "popular in shoes", popularity);
    }

    private static RecommendedItem trendingItem(String p, double views) {
        return new RecommendedItem(p, RecommendedItem.TRENDING, "trending now (" + (long) views + " views this hour)", views);
    }

    @Test
    void anUnknownUserGetsTheTrendingFallback() {
        speed = List.of(trendingItem("c", 40), trendingItem("a", 30));
        List<RecommendedItem> out = merge(10);
        assertEquals(List.of("c", "a"), out.stream().map(RecommendedItem::productId).toList());
        assertTrue(out.stream().allMatch(i -> i.source().equals(RecommendedItem.TRENDING)));
        assertEquals("trending now (40 views this hour)", out.get(0).reason());
    }

    @Test
    void sourcesRankBoughtTogetherThenCfThenSpeedThenTrending() {
        speed = List.of(speedItem("d", 9), trendingItem("e", 100));
        cf = List.of(new CfItem("b", 50, "g", 7));
        recent.put("h", List.of(new Neighbour("a", 12.5, 4, 3.0)));
        List<RecommendedItem> out = merge(10);
        assertEquals(List.of("a", "b", "d", "e"), out.stream().map(RecommendedItem::productId).toList());
        assertEquals(List.of(RecommendationMerger.BOUGHT_TOGETHER, RecommendationMerger.BATCH_CF, RecommendedItem.SPEED, RecommendedItem.TRENDING),
                out.stream().map(RecommendedItem::source).toList());
        assertEquals("bought with h in 4 baskets (you carted or bought it in the last 24 h)", out.get(0).reason());
        assertEquals("often bought with g, which you bought (7 shared baskets)", out.get(1).reason());
    }

    @Test
    void withinASourceTheOrderIsKeptAndTiesGoToTheLowerProductId() {
        cf = List.of(new CfItem("c", 10, "g", 2), new CfItem("a", 5, "g", 2), new CfItem("b", 5, "g", 2));
        assertEquals(List.of("c", "a", "b"), ids(10));
        recent.put("h", List.of(new Neighbour("f", 8, 2, 2), new Neighbour("e", 8, 2, 2)));
        assertEquals(List.of("e", "f", "c", "a", "b"), ids(10));
    }

    @Test
    void aProductFromSeveralSourcesAppearsOnceWithItsBestSource() {
        speed = List.of(speedItem("a", 9));
        cf = List.of(new CfItem("a", 1, "g", 2));
        recent.put("h", List.of(new Neighbour("b", 3, 2, 2)));
        recent.put("g", List.of(new Neighbour("b", 30, 6, 2)));
        List<RecommendedItem> out = merge(10);
        assertEquals(List.of("b", "a"), out.stream().map(RecommendedItem::productId).toList());
        assertEquals(RecommendationMerger.BATCH_CF, out.get(1).source(), "cf outranks speed for the same product");
        assertTrue(out.get(0).reason().startsWith("bought with g in 6 baskets"), "the strongest link is the reason: " + out.get(0).reason());
    }

    @Test
    void boughtOutOfStockAndDeletedProductsAreLeftOut() {
        speed = List.of(speedItem("a", 4), speedItem("b", 3), speedItem("c", 2), speedItem("d", 1));
        bought = Set.of("a");
        catalog.put("b", new ProductFacts("shoes", false));
        catalog.remove("c");
        assertEquals(List.of("d"), ids(10));
    }

    @Test
    void blockedProductsAndCategoriesAreLeftOut() {
        speed = List.of(speedItem("a", 4), speedItem("k1", 3), speedItem("b", 2));
        rules = new MerchandisingRules(3, Map.of(), Set.of("a"), Set.of("kitchen"));
        assertEquals(List.of("b"), ids(10));
    }

    @Test
    void pinsTakeTheirPositionsAndOthersMoveDown() {
        speed = List.of(speedItem("a", 4), speedItem("b", 3), speedItem("c", 2));
        rules = new MerchandisingRules(2, Map.of("g", 1, "b", 3), Set.of(), Set.of());
        List<RecommendedItem> out = merge(10);
        assertEquals(List.of("g", "a", "b", "c"), out.stream().map(RecommendedItem::productId).toList());
        assertEquals(RecommendationMerger.PINNED, out.get(0).source());
        assertEquals("pinned at position 3 by a merchandiser", out.get(2).reason());
    }

    @Test
    void aPinBeyondTheListGoesLastAndExclusionsAndBlocksWinOverPins() {
        speed = List.of(speedItem("a", 4));
        rules = new MerchandisingRules(2, Map.of("e", 5, "f", 1, "k1", 2), Set.of("f"), Set.of("kitchen"));
        assertEquals(List.of("a", "e"), ids(10));
        bought = Set.of("e");
        assertEquals(List.of("a"), ids(10));
    }

    @Test
    void theListIsCappedAtNAndPinsBeyondNAreDropped() {
        speed = List.of(speedItem("a", 4), speedItem("b", 3), speedItem("c", 2), speedItem("d", 1));
        rules = new MerchandisingRules(2, Map.of("h", 3), Set.of(), Set.of());
        assertEquals(List.of("a", "b"), ids(2));
        assertEquals(List.of("a", "b", "h"), ids(3));
        assertEquals(List.of(), ids(0));
    }

    @Test
    void theSameInputsGiveTheSameList() {
        speed = List.of(speedItem("a", 4), trendingItem("b", 3));
        cf = List.of(new CfItem("c", 2, "g", 2));
        recent.put("h", List.of(new Neighbour("d", 1, 2, 2)));
        assertEquals(merge(10), merge(10));
    }

    @Test
    void aPinPositionStartsAtOne() {
        assertThrows(IllegalArgumentException.class, () -> new MerchandisingRules(1, Map.of("a", 0), Set.of(), Set.of()));
    }
}
