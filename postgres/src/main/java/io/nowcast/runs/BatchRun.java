package io.nowcast.runs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One row of the batch run log. Counts are null until the run got that far. Written by the batch job
 * through {@link BatchRunLog}; read by the dashboard and {@code ./nowcast batch runs}.
 */
public record BatchRun(
        long runId,
        Instant startedAt,
        Instant endedAt,
        Status status,
        String trigger,
        String host,
        LocalDate asOf,
        Integer lookbackDays,
        Stats stats,
        String version,
        String warnings,
        String error) {

    public enum Status {
        RUNNING, SUCCEEDED, FAILED;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** What a run read and produced; any field may be null when the run stopped before it. */
    public record Stats(Long purchases, Long unknownPurchases, Long baskets, Long products, Long pairs, Long users) {
        public static final Stats NONE = new Stats(null, null, null, null, null, null);
    }

    /** How long the run took, or has taken so far. */
    public Duration duration(Instant now) {
        return Duration.between(startedAt, endedAt == null ? now : endedAt);
    }
}
