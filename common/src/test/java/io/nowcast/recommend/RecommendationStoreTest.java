package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RecommendationStoreTest {
    @Test
    void theKeyIndexKeepsWriteTimesRoundedUpToTheMinute() {
        long minute = 1_790_000_040_000L; // a whole minute
        assertEquals(minute, RecommendationStore.indexTime(minute), "a whole minute stays as it is");
        assertEquals(minute, RecommendationStore.indexTime(minute - 59_999));
        assertEquals(minute + 60_000, RecommendationStore.indexTime(minute + 1), "never earlier than the write");
        assertEquals(RecommendationStore.indexTime(minute + 1), RecommendationStore.indexTime(minute + 59_000),
                "writes within one minute give one score, so re-merges leave the index as it is");
    }
}
