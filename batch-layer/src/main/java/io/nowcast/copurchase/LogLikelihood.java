package io.nowcast.copurchase;

/**
 * Dunning's log-likelihood ratio (G²) for a 2×2 contingency table of basket co-occurrence. It scores
 * how surprising it is that two products share baskets, so rare products are not drowned out by
 * bestsellers the way raw co-occurrence counts drown them. Used by the batch layer's co-purchase step.
 */
public final class LogLikelihood {
    private LogLikelihood() {}

    /**
     * @param k11 baskets holding both A and B
     * @param k12 baskets holding A but not B
     * @param k21 baskets holding B but not A
     * @param k22 baskets holding neither
     * @return G², zero or more
     */
    public static double ratio(long k11, long k12, long k21, long k22) {
        if (k11 < 0 || k12 < 0 || k21 < 0 || k22 < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + k11 + ", " + k12 + ", " + k21 + ", " + k22);
        }
        double rowEntropy = entropy(k11 + k12, k21 + k22);
        double columnEntropy = entropy(k11 + k21, k12 + k22);
        double matrixEntropy = entropy(k11, k12, k21, k22);
        // Rounding can push the difference a hair below zero for independent pairs.
        return Math.max(0.0, 2.0 * (rowEntropy + columnEntropy - matrixEntropy));
    }

    /** Unnormalised Shannon entropy: xlogx(sum) − Σ xlogx(k). */
    private static double entropy(long... counts) {
        long sum = 0;
        double parts = 0;
        for (long k : counts) {
            sum += k;
            parts += xLogX(k);
        }
        return xLogX(sum) - parts;
    }

    private static double xLogX(long x) {
        return x == 0 ? 0.0 : x * Math.log(x);
    }
}
