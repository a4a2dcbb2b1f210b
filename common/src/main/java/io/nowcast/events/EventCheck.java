package io.nowcast.events;


/**
 * Decides whether a raw Kafka value is an acceptable event before it reaches Redis: the schema
 * (EventJson) and the clock (no more than the allowed skew ahead of the wall clock). Lateness needs
 * stream time, so the Lua script decides that. Used by the Redis writer and the master dataset alike.
 */
public final class EventCheck {
    private EventCheck() {}

    /** An event, or the reason it is rejected. */
    public record Verdict(Event event, RejectReason reason, String detail) {
        public boolean ok() {
            return event != null;
        }
    }

    public static Verdict check(byte[] value, long nowMs, long futureSkewMs) {
        return check(EventJson.parse(value), nowMs, futureSkewMs);
    }

    /** The clock check on an already parsed event (the REST API parses a batch as one JSON document). */
    public static Verdict check(EventJson.Parsed p, long nowMs, long futureSkewMs) {
        if (!p.ok()) {
            return new Verdict(null, p.reason(), p.detail());
        }
        if (p.event().timestamp().toEpochMilli() > nowMs + futureSkewMs) {
            return new Verdict(null, RejectReason.FUTURE_TIMESTAMP, "timestamp " + p.event().timestamp() + " is ahead of the clock");
        }
        return new Verdict(p.event(), null, null);
    }
}
