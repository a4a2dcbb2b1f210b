package io.nowcast.recommend;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the speed recommendations of one user depend on, read from Redis in one go.
 *
 * @param topCategories the user's top categories by page views in the trailing 24 h, with those views
 *     ({@link SpeedRecommendations#topCategories})
 * @param viewed products viewed in the trailing 24 h
 * @param bought products bought within the look-back
 * @param byCategory for each of the user's top categories, its products best first (24 h popularity), enough of them
 * @param available products that are in the catalog and in stock, among all candidates
 * @param trending the latest trending window's top products, best first
 */
public record SpeedInputs(
        long userId,
        List<Map.Entry<String, Long>> topCategories,
        Set<String> viewed,
        Set<String> bought,
        Map<String, List<ScoredProduct>> byCategory,
        Set<String> available,
        List<ScoredProduct> trending) {

    /** The inputs with the top categories worked out from all the user's interests (category → views in 24 h). */
    public SpeedInputs(long userId, Map<String, Long> interests, Set<String> viewed, Set<String> bought,
                       Map<String, List<ScoredProduct>> byCategory, Set<String> available, List<ScoredProduct> trending) {
        this(userId, SpeedRecommendations.topCategories(interests), viewed, bought, byCategory, available, trending);
    }
}
