package io.nowcast.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TtlRefreshesTest {
    @Test
    void aKeyIsDueUntilRefreshedThenAgainOnceThePeriodIsOver() {
        TtlRefreshes t = new TtlRefreshes(Duration.ofMinutes(30), 10);
        assertTrue(t.due("viewed:1", 0));
        t.refreshed(List.of("viewed:1"), 1_000);
        assertFalse(t.due("viewed:1", 1_000));
        assertFalse(t.due("viewed:1", 1_000 + Duration.ofMinutes(30).toMillis() - 1));
        assertTrue(t.due("viewed:1", 1_000 + Duration.ofMinutes(30).toMillis()));
        assertTrue(t.due("viewed:2", 1_000), "another key");
    }

    @Test
    void overTheCapTheKeyRefreshedLongestAgoIsDroppedAndSoDueAgain() {
        TtlRefreshes t = new TtlRefreshes(Duration.ofMinutes(30), 2);
        t.refreshed(List.of("a", "b"), 0);
        t.refreshed(List.of("a"), 10); // a is now the newest refresh
        t.refreshed(List.of("c"), 20);
        assertEquals(2, t.size());
        assertTrue(t.due("b", 20), "b was refreshed longest ago and was dropped");
        assertFalse(t.due("a", 20));
        assertFalse(t.due("c", 20));
    }
}
