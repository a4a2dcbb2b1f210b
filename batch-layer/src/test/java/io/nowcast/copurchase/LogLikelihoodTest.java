package io.nowcast.copurchase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogLikelihoodTest {
    @Test
    void smallestTableWorkedByHand() {
        // Row, column and matrix entropies are all 2·ln 2, so G² = 2·(2ln2 + 2ln2 − 2ln2) = 4·ln 2.
        assertEquals(4 * Math.log(2), LogLikelihood.ratio(1, 0, 0, 1), 1e-12);
        assertEquals(40 * Math.log(2), LogLikelihood.ratio(10, 0, 0, 10), 1e-9);
    }

    @Test
    void matchesPublishedValues() {
        // The reference values Apache Mahout's LogLikelihoodTest checks against.
        assertEquals(39.33052, LogLikelihood.ratio(5, 1995, 0, 100000), 1e-5);
        assertEquals(4730.737, LogLikelihood.ratio(1000, 1995, 1000, 100000), 1e-3);
        assertEquals(5734.343, LogLikelihood.ratio(1000, 1000, 1000, 100000), 1e-3);
        assertEquals(5714.932, LogLikelihood.ratio(1000, 1000, 1000, 99000), 1e-3);
    }

    @Test
    void independentProductsScoreZero() {
        // A is in 10 % of baskets, B in 20 %, together in exactly 2 %: no association.
        assertEquals(0.0, LogLikelihood.ratio(20, 80, 180, 720), 1e-9);
    }

    @Test
    void aRarePairThatAlwaysCoOccursOutscoresBestsellersThatMeetByChance() {
        long baskets = 100_000;
        double rare = LogLikelihood.ratio(8, 2, 2, baskets - 12);
        // Two bestsellers, each in 30 % of baskets, sharing 9,000 baskets: what chance alone gives.
        double popular = LogLikelihood.ratio(9_000, 21_000, 21_000, baskets - 51_000);
        assertTrue(rare > 50, "rare pair: " + rare);
        assertTrue(popular < 1, "independent bestsellers: " + popular);
    }

    @Test
    void refusesNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> LogLikelihood.ratio(-1, 0, 0, 1));
    }
}
