package io.nowcast.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * The event JSON codec (DESIGN.md, "Event JSON"). {@link #parse} checks the schema of untrusted
 * input and says precisely what is wrong; {@link #write} is the allocation-light writer the simulator
 * and tests use. Time-dependent checks (late, future) belong to the speed layer, not here.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private EventJson() {}

    /** The outcome of parsing one record: exactly one of {@code event} and {@code reason} is set. */
    public record Parsed(Event event, RejectReason reason, String detail) {
        static Parsed ok(Event e) {
            return new Parsed(e, null, null);
        }

        static Parsed reject(RejectReason r, String detail) {
            return new Parsed(null, r, detail);
        }

        public boolean ok() {
            return event != null;
        }

        /** A one-line explanation, e.g. {@code missing_field: product_id is required on page_view}. */
        public String explain() {
            return ok() ? "ok" : reason.code() + ": " + detail;
        }
    }

    /** Thrown inside parsing to carry a rejection out of nested field checks. */
    private static final class Invalid extends Exception {
        final RejectReason reason;

        Invalid(RejectReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    public static Parsed parse(String json) {
        if (json == null) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "empty record");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "not a JSON object");
        }
        try {
            return Parsed.ok(fromObject(root));
        } catch (Invalid e) {
            return Parsed.reject(e.reason, e.getMessage());
        }
    }

    private static Event fromObject(JsonNode o) throws Invalid {
        String typeCode = requiredText(o, "event_type");
        EventType type = EventType.fromCode(typeCode)
                .orElseThrow(() -> new Invalid(RejectReason.UNKNOWN_EVENT_TYPE, "event_type '" + typeCode + "' is not one of page_view, click, search, add_to_cart, purchase"));
        long userId = requiredUserId(o);
        Instant timestamp = parseTimestamp(requiredText(o, "timestamp"));
        String productId = type.needsProduct() ? requiredText(o, "product_id") : optionalText(o, "product_id");
        String query = type == EventType.SEARCH ? requiredText(o, "query") : optionalText(o, "query");
        return new Event(type, userId, productId, query, timestamp,
                optionalText(o, "event_id"), optionalText(o, "order_id"), optionalText(o, "session_id"),
                optionalInt(o, "quantity"), optionalNumber(o, "price"), optionalText(o, "rec_id"));
    }

    private static long requiredUserId(JsonNode o) throws Invalid {
        JsonNode n = o.get("user_id");
        if (n == null || n.isNull()) {
            throw new Invalid(RejectReason.MISSING_FIELD, "user_id is required");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new Invalid(RejectReason.WRONG_TYPE, "user_id must be a non-negative integer, got " + n);
        }
        return n.asLong();
    }

    private static String requiredText(JsonNode o, String field) throws Invalid {
        String s = optionalText(o, field);
        if (s == null || s.isEmpty()) {
            throw new Invalid(RejectReason.MISSING_FIELD, field + " is required");
        }
        return s;
    }

    private static String optionalText(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field + " must be a string, got " + n);
        }
        return n.textValue();
    }

    private static Integer optionalInt(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static Double optionalNumber(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    /** ISO-8601 with or without an offset; no offset means UTC (DESIGN.md). */
    static Instant parseTimestamp(String s) throws Invalid {
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, Instant::from, LocalDateTime::from);
            return t instanceof Instant i ? i : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new Invalid(RejectReason.WRONG_TYPE, "timestamp must be ISO-8601, got '" + s + "'");
        }
    }

    /** The canonical JSON of an event; optional fields are left out when null. */
    public static String write(Event e) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"event_type\":\"").append(e.type().code()).append('"');
        sb.append(",\"user_id\":").append(e.userId());
        text(sb, "product_id", e.productId());
        text(sb, "query", e.query());
        text(sb, "timestamp", e.timestamp().toString());
        text(sb, "event_id", e.eventId());
        text(sb, "order_id", e.orderId());
        text(sb, "session_id", e.sessionId());
        if (e.quantity() != null) {
            sb.append(",\"quantity\":").append(e.quantity());
        }
        if (e.price() != null) {
            sb.append(",\"price\":").append(e.price());
        }
        text(sb, "rec_id", e.recId());
        return sb.append('}').toString();
    }

    static void text(StringBuilder sb, String field, String value) {
        if (value == null) {
            return;
        }
        sb.append(",\"").append(field).append("\":\"");
        ENCODER.quoteAsString(value, sb);
        sb.append('"');
    }
}
