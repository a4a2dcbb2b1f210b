package io.nowcast.recommend;

import java.util.Comparator;

/** A product with a number: its views, its popularity or a similarity score. */
public record ScoredProduct(String productId, double score) {
    /** Highest score first, then product id ascending: the deterministic order everywhere in Nowcast. */
    public static final Comparator<ScoredProduct> BEST_FIRST = (a, b) -> {
        // Written out: this runs tens of times for each user the refresher merges.
        int byScore = Double.compare(b.score, a.score);
        return byScore != 0 ? byScore : a.productId.compareTo(b.productId);
    };
}
