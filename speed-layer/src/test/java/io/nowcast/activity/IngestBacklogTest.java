package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IngestBacklogTest {
    @Test
    void aBacklogIsTimeAtTheRateRecordsArrivedAtOverTheLastFewSeconds() {
        IngestBacklog b = IngestBacklog.forTests();
        assertEquals(50_000, b.record(10_000, 1_000_000, 50_000), "the first sample has no rate yet: the least one, 1,000 a second");
        assertEquals(500, b.record(11_000, 1_020_000, 10_000), "20,000 records a second arrived: 10,000 are half a second");
        assertEquals(3_000, b.record(12_000, 1_040_000, 60_000));
        assertEquals(0, b.record(20_000, 1_200_000, 0), "nothing beyond the watermarks");
        assertEquals(5_000, b.record(21_000, 1_200_000, 5_000),
                "nothing arrived in the last second (older samples left the window): worked off at the least rate");
    }

    @Test
    void theRateIsTakenOverTheLastFiveSecondsOnly() {
        IngestBacklog b = IngestBacklog.forTests();
        b.record(0, 0, 0);
        b.record(1_000, 100_000, 0); // a burst: 100,000 a second
        for (long t = 2_000; t <= 7_000; t += 1_000) {
            b.record(t, 100_000 + (t - 1_000) * 10, 0); // then 10,000 a second
        }
        assertEquals(2_000, b.record(8_000, 170_000, 20_000), "the burst has left the window: 20,000 records at 10,000 a second");
    }

    @Test
    void theRefresherYieldsOnlyWhileIngestIsFurtherBehindThanItsLimit() {
        assertEquals(0, RecommendationRefresher.pauseAfter(500, 0, true, 1_999, 2_000), "within the limit: no rest");
        assertEquals(2_000, RecommendationRefresher.pauseAfter(500, 0, true, 2_001, 2_000), "beyond it: four times the round");
        assertEquals(2_000, RecommendationRefresher.pauseAfter(500, 100, false, 5_000, 2_000), "the larger of the two rests");
        assertEquals(3_000, RecommendationRefresher.pauseAfter(500, 600, false, 5_000, 2_000));
        assertEquals(0, RecommendationRefresher.pauseAfter(500, 0, true, 60_000, 0), "a limit of 0: never yield");
        assertEquals(20, RecommendationRefresher.pauseAfter(2, 0, false, 60_000, 2_000), "still at least the minimum");
    }
}
