package io.nowcast.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Waiting in integration tests for something another process does, and reading its log meanwhile. */
public final class Await {
    private Await() {}

    /** A condition that may throw while its subject is not ready yet (a refused connection, say). */
    public interface Check {
        boolean ok() throws Exception;
    }

    /**
     * Polls every 100 ms until {@code check} holds; fails naming {@code what} after {@code seconds}.
     * The failure says how long the last check took: a check slower than the wait reports a stale state.
     */
    public static void until(Check check, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            long started = System.nanoTime();
            if (check.ok()) {
                return;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what
                        + " (the last check took " + (now - started) / 1_000_000 + " ms)");
            }
            Thread.sleep(100);
        }
    }

    /** A process's log so far; empty before the process has written one. */
    public static String log(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
