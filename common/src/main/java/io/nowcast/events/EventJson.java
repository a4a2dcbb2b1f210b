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
    public record Parsed(Event event, RejectReason reason, String field, String detail) {
        static Parsed ok(Event e) {
            return new Parsed(e, null, null, null);
        }

        static Parsed reject(RejectReason r, String detail) {
            return new Parsed(null, r, null, detail);
        }

        static Parsed reject(RejectReason r, String field, String detail) {
            return new Parsed(null, r, field, detail);
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
        final String field;

        Invalid(RejectReason reason, String field, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.field = field;
        }
    }

    public static Parsed parse(String json) {
        return parse(json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Parses UTF-8 bytes as they come from Kafka, without decoding them to a String first (the speed
     * layer's hot path); bytes that are not UTF-8 are unparseable.
     */
    public static Parsed parse(byte[] json) {
        if (json == null) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "empty record");
        }
        Event fast = streamed(json);
        return fast != null ? Parsed.ok(fast) : parseTree(json);
    }

    /** The reference path: the whole record as a JSON tree, then checked field by field. */
    static Parsed parseTree(byte[] json) {
        try {
            return parse(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (java.io.IOException e) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "not readable (" + e.getMessage() + ")");
        }
    }

    /**
     * The fast path for well-formed events, token by token with no tree (the tree model was a third of
     * the speed layer's parsing time): it returns the event only when every known field has exactly the
     * type the schema wants, and null at the first doubt (a wrong type, a missing field, anything
     * unusual), leaving every rejection and its message to {@link #parseTree}. Like the tree, the last
     * of repeated fields wins and unknown fields are ignored.
     */
    static Event streamed(byte[] json) {
        String type = null;
        String product = null;
        String query = null;
        String timestamp = null;
        String eventId = null;
        String orderId = null;
        String sessionId = null;
        String recId = null;
        long userId = -1;
        Integer quantity = null;
        Double price = null;
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                com.fasterxml.jackson.core.JsonToken v = p.nextToken();
                boolean isNull = v == com.fasterxml.jackson.core.JsonToken.VALUE_NULL;
                boolean isText = v == com.fasterxml.jackson.core.JsonToken.VALUE_STRING;
                switch (field) {
                    case "event_type", "product_id", "query", "timestamp", "event_id", "order_id", "session_id", "rec_id" -> {
                        if (!isNull && !isText) {
                            return null;
                        }
                        String text = isNull ? null : p.getText();
                        switch (field) {
                            case "event_type" -> type = text;
                            case "product_id" -> product = text;
                            case "query" -> query = text;
                            case "timestamp" -> timestamp = text;
                            case "event_id" -> eventId = text;
                            case "order_id" -> orderId = text;
                            case "session_id" -> sessionId = text;
                            default -> recId = text;
                        }
                    }
                    case "user_id" -> {
                        if (v != com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER
                                || p.getLongValue() < 0) {
                            return null;
                        }
                        userId = p.getLongValue();
                    }
                    case "quantity" -> {
                        if (isNull) {
                            quantity = null;
                        } else if (v == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                                && p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.INT) {
                            quantity = p.getIntValue();
                        } else {
                            return null;
                        }
                    }
                    case "price" -> {
                        if (isNull) {
                            price = null;
                        } else if (v == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_FLOAT
                                && p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.DOUBLE) {
                            price = p.getDoubleValue();
                        } else if (v == com.fasterxml.jackson.core.JsonToken.VALUE_NUMBER_INT
                                && p.getNumberType() != com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
                            price = (double) p.getLongValue();
                        } else {
                            return null;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != com.fasterxml.jackson.core.JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
        if (type == null || userId < 0 || timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        EventType eventType = EventType.fromCode(type).orElse(null);
        if (eventType == null || (eventType.needsProduct() && (product == null || product.isEmpty()))
                || (eventType == EventType.SEARCH && (query == null || query.isEmpty()))) {
            return null;
        }
        Instant at;
        try {
            at = parseTimestamp(timestamp);
        } catch (Invalid e) {
            return null;
        }
        return new Event(eventType, userId, product, query, at, eventId, orderId, sessionId, quantity, price, recId);
    }

    /** Checks one already-parsed JSON value (an element of the REST API's batch, say). */
    public static Parsed parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Parsed.reject(RejectReason.UNPARSEABLE, "not a JSON object");
        }
        try {
            return Parsed.ok(fromObject(root));
        } catch (Invalid e) {
            return Parsed.reject(e.reason, e.field, e.getMessage());
        }
    }

    private static Event fromObject(JsonNode o) throws Invalid {
        String typeCode = requiredText(o, "event_type");
        EventType type = EventType.fromCode(typeCode)
                .orElseThrow(() -> new Invalid(RejectReason.UNKNOWN_EVENT_TYPE, "event_type", "event_type '" + typeCode + "' is not one of page_view, click, search, add_to_cart, purchase"));
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
            throw new Invalid(RejectReason.MISSING_FIELD, "user_id", "user_id is required");
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
            throw new Invalid(RejectReason.WRONG_TYPE, "user_id", "user_id must be a non-negative integer, got " + n);
        }
        return n.asLong();
    }

    private static String requiredText(JsonNode o, String field) throws Invalid {
        String s = optionalText(o, field);
        if (s == null || s.isEmpty()) {
            throw new Invalid(RejectReason.MISSING_FIELD, field, field + " is required");
        }
        return s;
    }

    private static String optionalText(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field, field + " must be a string, got " + n);
        }
        return n.textValue();
    }

    private static Integer optionalInt(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field, field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static Double optionalNumber(JsonNode o, String field) throws Invalid {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new Invalid(RejectReason.WRONG_TYPE, field, field + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    /** ISO-8601 with or without an offset; no offset means UTC (DESIGN.md). */
    static Instant parseTimestamp(String s) throws Invalid {
        Instant common = parseCommonUtc(s);
        if (common != null) {
            return common;
        }
        try {
            TemporalAccessor t = DateTimeFormatter.ISO_DATE_TIME.parseBest(s, Instant::from, LocalDateTime::from);
            return t instanceof Instant i ? i : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new Invalid(RejectReason.WRONG_TYPE, "timestamp", "timestamp must be ISO-8601, got '" + s + "'");
        }
    }

    /**
     * The shape nearly every event has, {@code yyyy-MM-ddTHH:mm:ss[.fraction][Z]}, read without a
     * DateTimeFormatter: profiling showed the formatter's parse at a sixth of the speed layer's CPU.
     * Returns null for anything else (offsets, missing seconds, impossible dates), which the formatter
     * then accepts or rejects.
     */
    static Instant parseCommonUtc(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int end = s.charAt(n - 1) == 'Z' ? n - 1 : n;
        int nanos = 0;
        if (end > 19) {
            int digits = end - 20;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            int fraction = digits(s, 20, end);
            if (fraction < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                fraction *= 10;
            }
            nanos = fraction;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The decimal number in s[from, to), or -1 if any character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
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
