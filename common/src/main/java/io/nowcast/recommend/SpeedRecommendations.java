package io.nowcast.recommend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The speed layer's recommendations (DESIGN.md, "Speed recommendations"): from the user's top three
 * categories, products not viewed in 24 h, not bought and in stock, by category rank, then popularity,
 * then product id; filled up from trending. Pure: the result depends only on the inputs.
 */
public final class SpeedRecommendations {
    /** How many of the user's categories feed the list. */
    public static final int TOP_CATEGORIES = 3;

    private SpeedRecommendations() {}

    /** The user's top categories: views descending, then category ascending. */
    public static List<Map.Entry<String, Long>> topCategories(Map<String, Long> interests) {
        // One pass keeping the best few (a user's interests can span dozens of categories, and this runs
        // several times per refresh): count descending, then category ascending.
        List<Map.Entry<String, Long>> best = new ArrayList<>(TOP_CATEGORIES + 1);
        for (Map.Entry<String, Long> e : interests.entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            int at = best.size();
            while (at > 0 && before(e, best.get(at - 1))) {
                at--;
            }
            if (at < TOP_CATEGORIES) {
                best.add(at, Map.entry(e.getKey(), e.getValue()));
                if (best.size() > TOP_CATEGORIES) {
                    best.remove(TOP_CATEGORIES);
                }
            }
        }
        return List.copyOf(best);
    }

    /** Whether category {@code a} ranks before {@code b}: more views, then the name. */
    private static boolean before(Map.Entry<String, Long> a, Map.Entry<String, Long> b) {
        long x = a.getValue();
        long y = b.getValue();
        return x != y ? x > y : a.getKey().compareTo(b.getKey()) < 0;
    }

    public static List<RecommendedItem> compute(SpeedInputs in, int n) {
        List<RecommendedItem> out = new ArrayList<>(n);
        Set<String> taken = new HashSet<>();
        int rank = 0;
        for (Map.Entry<String, Long> category : in.topCategories()) {
            rank++;
            for (ScoredProduct p : bestFirst(in.byCategory().getOrDefault(category.getKey(), List.of()))) {
                if (out.size() >= n) {
                    return out;
                }
                if (eligible(in, p.productId(), taken)) {
                    taken.add(p.productId());
                    out.add(new RecommendedItem(p.productId(), RecommendedItem.SPEED,
                            "popular in " + category.getKey() + " (" + views(p.score()) + " in 24 h), your #" + rank
                                    + " category (" + views(category.getValue()) + " by you in 24 h)",
                            p.score()));
                }
            }
        }
        for (ScoredProduct p : bestFirst(in.trending())) {
            if (out.size() >= n) {
                break;
            }
            if (eligible(in, p.productId(), taken)) {
                taken.add(p.productId());
                out.add(new RecommendedItem(p.productId(), RecommendedItem.TRENDING,
                        "trending now (" + views(p.score()) + " this hour)", p.score()));
            }
        }
        return out;
    }

    /** The list best first; the store already reads them in that order, so usually without copying. */
    private static List<ScoredProduct> bestFirst(List<ScoredProduct> products) {
        for (int i = 1; i < products.size(); i++) {
            if (ScoredProduct.BEST_FIRST.compare(products.get(i - 1), products.get(i)) > 0) {
                List<ScoredProduct> sorted = new ArrayList<>(products);
                sorted.sort(ScoredProduct.BEST_FIRST);
                return sorted;
            }
        }
        return products;
    }

    private static boolean eligible(SpeedInputs in, String product, Set<String> taken) {
        return !taken.contains(product) && !in.viewed().contains(product) && !in.bought().contains(product)
                && in.available().contains(product);
    }

    private static String views(double v) {
        long n = Math.round(v);
        return n + (n == 1 ? " view" : " views");
    }
}
