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
        Top top = new Top();
        interests.forEach(top::offer);
        return top.list();
    }

    /** The same from the counts as Redis keeps them ({@code interest:{user_id}}: category → decimal views). */
    public static List<Map.Entry<String, Long>> topCategoriesOfStored(Map<String, String> interests) {
        Top top = new Top();
        interests.forEach((category, views) -> top.offer(category, Long.parseLong(views)));
        return top.list();
    }

    /**
     * One pass keeping the best few (a user's interests can span dozens of categories, and this runs for
     * every user merged): count descending, then category ascending; counts of 0 or less are no interest.
     */
    private static final class Top {
        private final String[] names = new String[TOP_CATEGORIES];
        private final long[] views = new long[TOP_CATEGORIES];
        private int size;

        void offer(String name, long count) {
            if (count <= 0) {
                return;
            }
            int at = size;
            while (at > 0 && (count != views[at - 1] ? count > views[at - 1] : name.compareTo(names[at - 1]) < 0)) {
                at--;
            }
            if (at >= TOP_CATEGORIES) {
                return;
            }
            for (int i = Math.min(size, TOP_CATEGORIES - 1); i > at; i--) {
                names[i] = names[i - 1];
                views[i] = views[i - 1];
            }
            names[at] = name;
            views[at] = count;
            size = Math.min(size + 1, TOP_CATEGORIES);
        }

        List<Map.Entry<String, Long>> list() {
            List<Map.Entry<String, Long>> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(Map.entry(names[i], views[i]));
            }
            return List.copyOf(out);
        }
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
