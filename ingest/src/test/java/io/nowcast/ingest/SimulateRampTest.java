package io.nowcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --ramp}, into a file: the ramp holds the sends back; a negative one is refused before any. */
class SimulateRampTest {
    @TempDir
    Path tmp;

    private long sent(Path file, String... pace) throws Exception {
        String[] args = {"simulate", "--out", "file", "--file", file.toString(), "--products", "100", "--users", "50", "--seed", "5"};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(pace)).toArray(String[]::new);
        assertEquals(0, IngestMain.execute(all));
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    @Test
    void overARampOfTheRunsLengthAtMostHalfOfItsEventsAreSent() throws Exception {
        // 2 s at 2,000 events/s: 4,000 without a ramp. Reaching the rate over those 2 s sends half of that; a
        // sender never runs ahead of its pace, so however slow the machine, no more than 2,000 (and the first).
        long ramped = sent(tmp.resolve("ramped.jsonl"), "--rate", "2000", "--ramp", "2s", "--duration", "2s");
        assertTrue(ramped > 0 && ramped <= 2_001, "sent over a 2 s ramp: " + ramped);
    }

    @Test
    void aNegativeRampIsRefused() {
        Path file = tmp.resolve("none.jsonl");
        assertEquals(2, IngestMain.execute(new String[] {"simulate", "--out", "file", "--file", file.toString(), "--rate", "100",
                "--ramp", "-1s", "--count", "10"}));
        assertTrue(!Files.exists(file), "nothing was written");
    }
}
