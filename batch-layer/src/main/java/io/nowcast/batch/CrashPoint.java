package io.nowcast.batch;

/**
 * Lets the kill test stop the job at a chosen point exactly as kill -9 would: no shutdown hooks, no
 * finally blocks. Off unless NOWCAST_BATCH_CRASH_AT names the point.
 */
public final class CrashPoint {
    private CrashPoint() {}

    public static void maybe(BatchConfig config, String point) {
        if (point.equals(config.crashAt())) {
            System.err.println("nowcast: halting at crash point " + point + " (NOWCAST_BATCH_CRASH_AT)");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
