package io.nowcast.activity;

import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import io.nowcast.events.RejectReason;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

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
        String json;
        try {
            json = value == null ? null : StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return new Verdict(null, RejectReason.UNPARSEABLE, "not UTF-8");
        }
        EventJson.Parsed p = EventJson.parse(json);
        if (!p.ok()) {
            return new Verdict(null, p.reason(), p.detail());
        }
        if (p.event().timestamp().toEpochMilli() > nowMs + futureSkewMs) {
            return new Verdict(null, RejectReason.FUTURE_TIMESTAMP, "timestamp " + p.event().timestamp() + " is ahead of the clock");
        }
        return new Verdict(p.event(), null, null);
    }
}
