package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The queue of {@link KeylessMerges} without merge threads (so nothing is merged or read): sharing and shedding. */
class KeylessMergesTest {
    @Test
    void aUserAskedForAgainWhileWaitingSharesTheFirstRequestsMerge() {
        try (KeylessMerges merges = new KeylessMerges(null, 10, 100, 0)) {
            CompletableFuture<String> first = merges.merge(7);
            assertSame(first, merges.merge(7));
            assertFalse(first.isDone(), "no thread merges it");
            assertTrue(merges.merge(8) != first);
            assertEquals(0, merges.shed());
        }
    }

    @Test
    void pastMaxWaitingANewcomerGetsNullAtOnceAndIsCounted() {
        try (KeylessMerges merges = new KeylessMerges(null, 10, 2, 0)) {
            CompletableFuture<String> a = merges.merge(1);
            merges.merge(2);
            CompletableFuture<String> shed = merges.merge(3);
            assertTrue(shed.isDone());
            assertNull(shed.join(), "the caller answers with the strangers' list");
            assertEquals(1, merges.shed());
            assertSame(a, merges.merge(1), "a user already waiting still shares its merge");
            assertEquals(1, merges.shed());
        }
    }
}
