package io.nowcast.simulator;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Samples ranks 0..n-1 with probability proportional to 1/(rank+1)^s, by binary search over the CDF. */
final class Zipf {
    private final double[] cdf;

    Zipf(int n, double s) {
        if (n <= 0) {
            throw new IllegalArgumentException("Zipf needs at least one rank, got " + n);
        }
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
    }

    int sample(SplittableRandom random) {
        int i = Arrays.binarySearch(cdf, random.nextDouble());
        return Math.min(i < 0 ? -i - 1 : i, cdf.length - 1);
    }

    int size() {
        return cdf.length;
    }
}
