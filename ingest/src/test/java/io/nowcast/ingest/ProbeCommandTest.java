package io.nowcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeCommandTest {
    private static final long MS = 1_000_000L;

    @Test
    void aProbeIsCheckedAgainAfterATwentiethOfItsAgeAndNeverSoonerThanTheGap() {
        assertEquals(10 * MS + MS / 2, ProbeCommand.nextCheck(0, 10 * MS, 0), "10 ms old: at the next poll");
        assertEquals(2_100 * MS, ProbeCommand.nextCheck(0, 2_000 * MS, 0), "2 s old: after 100 ms");
        assertEquals(25 * MS, ProbeCommand.nextCheck(0, 20 * MS, 5 * MS), "the gap wins while the probe is young");
    }

    @Test
    void checksGrowGeometricallySoASlowProbeCostsFewAndIsOverstatedByAtMostFivePercent() {
        long sent = 0;
        long now = MS;
        int checks = 0;
        long seenAt = 10_000 * MS; // it shows in Redis 10 s after the send
        while (now < seenAt) {
            now = Math.max(now + MS, ProbeCommand.nextCheck(sent, now, 0)); // the poller wakes about once a millisecond
            checks++;
        }
        assertTrue(checks < 250, "checks of a probe seen after 10 s: " + checks + " (once a millisecond: 10,000)");
        assertTrue(now - seenAt <= seenAt / ProbeCommand.RESOLUTION_DIVISOR, "overstated by " + (now - seenAt) / MS + " ms");
    }

    @Test
    void aPollTakesAlongTheProbesPastHalfWayToTheirNextCheckAndNoneSooner() {
        assertTrue(ProbeCommand.nearlyDue(0, 0, 5 * MS), "a probe just sent is checked at the next poll");
        assertTrue(ProbeCommand.nearlyDue(100 * MS, 110 * MS, 110 * MS), "due");
        assertTrue(ProbeCommand.nearlyDue(100 * MS, 110 * MS, 105 * MS), "half-way");
        assertTrue(!ProbeCommand.nearlyDue(100 * MS, 110 * MS, 105 * MS - 1), "just before half-way");
        assertTrue(!ProbeCommand.nearlyDue(100 * MS, 110 * MS, 101 * MS), "just checked");
    }
}
