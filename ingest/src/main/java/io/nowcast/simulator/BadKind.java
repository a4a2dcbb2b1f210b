package io.nowcast.simulator;

import io.nowcast.events.RejectReason;

/** The kinds of bad event the simulator injects on request, and the DLQ reason each must get. */
public enum BadKind {
    MALFORMED_JSON(RejectReason.UNPARSEABLE),
    MISSING_FIELD(RejectReason.MISSING_FIELD),
    WRONG_TYPE(RejectReason.WRONG_TYPE),
    UNKNOWN_EVENT_TYPE(RejectReason.UNKNOWN_EVENT_TYPE),
    FUTURE_TIMESTAMP(RejectReason.FUTURE_TIMESTAMP);

    private final RejectReason expected;

    BadKind(RejectReason expected) {
        this.expected = expected;
    }

    /** The reason the speed layer must give when it dead-letters this kind. */
    public RejectReason expectedReason() {
        return expected;
    }
}
