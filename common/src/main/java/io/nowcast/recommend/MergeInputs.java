package io.nowcast.recommend;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the merge needs for one user, already read from Redis (and the rules cache).
 *
 * @param cf the batch CF list of the live version, best first (empty for users the batch layer does not know)
 * @param recentNeighbours for each product the user carted or bought in the trailing 24 h, newest first,
 *     its neighbours in the live batch version (real-time bought-together)
 * @param speed the speed recommendations, already filled up from trending (sources speed and trending)
 * @param bought what the user bought within the look-back (never recommended again)
 * @param catalog category and stock of every candidate; a candidate missing here is deleted or unknown
 */
public record MergeInputs(
        List<CfItem> cf,
        Map<String, List<Neighbour>> recentNeighbours,
        List<RecommendedItem> speed,
        Set<String> bought,
        Map<String, ProductFacts> catalog,
        MerchandisingRules rules) {

    /** What the merge needs to know of a product. */
    public record ProductFacts(String category, boolean inStock) {}
}
