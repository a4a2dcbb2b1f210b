package io.nowcast.events;

/**
 * Why an event was sent to the dead-letter topic. The code is what the DLQ header, the counters
 * and the dashboard show, so it never changes once released.
 */
public enum RejectReason {
    /** Not JSON, or not a JSON object. */
    UNPARSEABLE("unparseable"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing_field"),
    /** A field has the wrong JSON type or an impossible value. */
    WRONG_TYPE("wrong_type"),
    /** {@code event_type} is not one of {@link EventType}. */
    UNKNOWN_EVENT_TYPE("unknown_event_type"),
    /** Older than stream time minus the allowed lateness. */
    LATE("late"),
    /** More than the allowed skew ahead of the wall clock. */
    FUTURE_TIMESTAMP("future_timestamp");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
