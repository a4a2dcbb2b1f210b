package io.nowcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PaceTest {
    @Test
    void withoutARampTheRateHoldsFromTheStart() {
        Pace p = new Pace(20_000, Duration.ZERO);
        assertEquals(0, p.dueWithin(0));
        assertEquals(20_000, p.dueWithin(1), 1e-6);
        assertEquals(50_000, p.dueWithin(2.5), 1e-6);
        assertEquals(2.5, p.secondsUntil(50_000), 1e-9);
    }

    @Test
    void aRampGrowsTheRateLinearlyThenHoldsIt() {
        Pace p = new Pace(60_000, Duration.ofSeconds(60));
        assertEquals(60_000 * 60 / 2.0, p.dueWithin(60), 1e-6, "the ramp sends half of what a minute at the full rate does");
        assertEquals(30_000, p.dueWithin(30.5) - p.dueWithin(29.5), 1e-6, "half-way up, half the rate");
        assertEquals(60_000, p.dueWithin(71) - p.dueWithin(70), 1e-6, "after the ramp, the full rate");
        assertTrue(p.dueWithin(1) < 1_000, "the first second sends a trickle: " + p.dueWithin(1));
    }

    @Test
    void secondsUntilIsTheInverseOfDueWithin() {
        Pace p = new Pace(80_000, Duration.ofSeconds(45));
        for (double t : new double[] {0.01, 1, 22.5, 44.999, 45, 45.001, 300}) {
            assertEquals(t, p.secondsUntil(p.dueWithin(t)), 1e-6, "at " + t + " s");
        }
        assertEquals(0, p.secondsUntil(0));
    }

    @Test
    void aRateBelowOneOrANegativeRampIsRefused() {
        assertEquals("--rate must be positive, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Pace(0, Duration.ZERO)).getMessage());
        assertEquals("--ramp must not be negative, got PT-1S",
                assertThrows(IllegalArgumentException.class, () -> new Pace(10, Duration.ofSeconds(-1))).getMessage());
    }
}
