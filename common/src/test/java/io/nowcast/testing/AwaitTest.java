package io.nowcast.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsOnceTheCheckHolds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Await.until(() -> calls.incrementAndGet() == 3, 10, "the third call");
        assertEquals(3, calls.get());
    }

    @Test
    void aTimeoutNamesWhatItWaitedForAndHowLongTheLastCheckTook() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until(() -> false, 0, "nothing"));
        assertTrue(e.getMessage().startsWith("timed out after 0 s waiting for nothing (the last check took "), e.getMessage());
    }
}
