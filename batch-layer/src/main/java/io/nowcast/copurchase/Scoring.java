package io.nowcast.copurchase;

/**
 * How neighbours are ranked. LLR is the product's choice; raw co-occurrence counts exist for the
 * quality evaluation, which shows that LLR beats them.
 */
public enum Scoring {
    /** Dunning's G² over the basket contingency table. */
    LLR,
    /** Baskets holding both products. */
    COUNT;

    /** The ranking score of a pair. */
    public double score(long both, long withA, long withB, long baskets) {
        return switch (this) {
            case LLR -> LogLikelihood.ratio(both, withA - both, withB - both, baskets - withA - withB + both);
            case COUNT -> both;
        };
    }
}
