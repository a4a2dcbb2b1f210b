package io.nowcast.recommend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Lambda merge (DESIGN.md, "Merge"): one list per user from real-time bought-together, the batch
 * CF list, the speed recommendations and trending, then the merchandiser rules and the exclusions,
 * de-duplicated and capped. Sources rank in that order (fresh intent first); within a source, items
 * keep their own order by their score relative to the source's best, so a merged score is the
 * source's tier plus a fraction in (0, 1]. A product offered by several sources keeps its best. Pure.
 */
public final class RecommendationMerger {
    public static final String BOUGHT_TOGETHER = "bought_together";
    public static final String BATCH_CF = "batch_cf";
    public static final String PINNED = "pinned";

    private static final Map<String, Integer> TIER = Map.of(
            BOUGHT_TOGETHER, 3, BATCH_CF, 2, RecommendedItem.SPEED, 1, RecommendedItem.TRENDING, 0);
    private static final Comparator<RecommendedItem> BEST_FIRST = (a, b) -> {
        int byScore = Double.compare(b.score(), a.score());
        return byScore != 0 ? byScore : a.productId().compareTo(b.productId());
    };

    private RecommendationMerger() {}

    public static List<RecommendedItem> merge(MergeInputs in, int n) {
        Map<String, RecommendedItem> best = new HashMap<>();
        boughtTogether(in).forEach(i -> keepBest(best, i));
        cf(in).forEach(i -> keepBest(best, i));
        normalised(in.speed()).forEach(i -> keepBest(best, i));

        List<RecommendedItem> ranked = new ArrayList<>();
        for (RecommendedItem i : best.values()) {
            if (allowed(in, i.productId()) && !in.rules().pins().containsKey(i.productId())) {
                ranked.add(i);
            }
        }
        ranked.sort(BEST_FIRST);
        return pinned(in, ranked, n);
    }

    /** Neighbours of what the user carted or bought in 24 h; a candidate reached from several keeps its strongest link. */
    private static List<RecommendedItem> boughtTogether(MergeInputs in) {
        Map<String, RecommendedItem> out = new HashMap<>();
        double max = in.recentNeighbours().values().stream().flatMap(List::stream).mapToDouble(Neighbour::llr).max().orElse(1);
        in.recentNeighbours().forEach((product, neighbours) -> {
            for (Neighbour nb : neighbours) {
                RecommendedItem item = new RecommendedItem(nb.productId(), BOUGHT_TOGETHER,
                        "bought with " + product + " in " + nb.support() + " baskets (you carted or bought it in the last 24 h)",
                        TIER.get(BOUGHT_TOGETHER) + fraction(nb.llr(), max));
                keepBest(out, item);
            }
        });
        return new ArrayList<>(out.values());
    }

    private static List<RecommendedItem> cf(MergeInputs in) {
        double max = in.cf().stream().mapToDouble(CfItem::score).max().orElse(1);
        List<RecommendedItem> out = new ArrayList<>();
        for (CfItem c : in.cf()) {
            out.add(new RecommendedItem(c.productId(), BATCH_CF,
                    "often bought with " + c.because() + ", which you bought (" + c.support() + " shared baskets)",
                    TIER.get(BATCH_CF) + fraction(c.score(), max)));
        }
        return out;
    }

    /** Speed and trending items keep their order: their fraction falls with their rank. */
    private static List<RecommendedItem> normalised(List<RecommendedItem> speed) {
        List<RecommendedItem> out = new ArrayList<>();
        for (int r = 0; r < speed.size(); r++) {
            RecommendedItem i = speed.get(r);
            double fraction = 1.0 - (double) r / (speed.size() + 1);
            out.add(new RecommendedItem(i.productId(), i.source(), i.reason(), TIER.getOrDefault(i.source(), 0) + fraction));
        }
        return out;
    }

    private static double fraction(double score, double max) {
        return max <= 0 ? 1.0 : Math.max(1e-6, Math.min(1.0, score / max));
    }

    private static void keepBest(Map<String, RecommendedItem> best, RecommendedItem item) {
        best.merge(item.productId(), item, (a, b) -> BEST_FIRST.compare(a, b) <= 0 ? a : b);
    }

    /** Exclusions (bought, out of stock, deleted) and blocks; they win over every source and over pins. */
    static boolean allowed(MergeInputs in, String product) {
        MergeInputs.ProductFacts facts = in.catalog().get(product);
        MerchandisingRules rules = in.rules();
        return facts != null && facts.inStock() && !in.bought().contains(product)
                && (rules.blockedProducts().isEmpty() || !rules.blockedProducts().contains(product))
                && (rules.blockedCategories().isEmpty() || !rules.blockedCategories().contains(facts.category()));
    }

    /** Puts pinned products at their positions (lowest position first; a tie by product id), then caps at n. */
    private static List<RecommendedItem> pinned(MergeInputs in, List<RecommendedItem> ranked, int n) {
        List<Map.Entry<String, Integer>> pins = new ArrayList<>(in.rules().pins().entrySet());
        pins.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        List<RecommendedItem> out = new ArrayList<>(ranked);
        for (Map.Entry<String, Integer> pin : pins) {
            if (!allowed(in, pin.getKey()) || pin.getValue() > n) {
                continue;
            }
            int at = Math.min(pin.getValue() - 1, out.size());
            out.add(at, new RecommendedItem(pin.getKey(), PINNED, "pinned at position " + pin.getValue() + " by a merchandiser",
                    TIER.get(BOUGHT_TOGETHER) + 1.0));
        }
        return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
    }
}
