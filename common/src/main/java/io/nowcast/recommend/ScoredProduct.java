package io.nowcast.recommend;

import java.util.Comparator;

/** A product with a number: its views, its popularity or a similarity score. */
public record ScoredProduct(String productId, double score) {
    /** Highest score first, then product id ascending: the deterministic order everywhere in Nowcast. */
    public static final Comparator<ScoredProduct> BEST_FIRST =
            Comparator.comparingDouble(ScoredProduct::score).reversed().thenComparing(ScoredProduct::productId);
}
