package io.nowcast.events;

import static io.nowcast.testing.Events.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.testing.Events;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventJsonTest {
    @Test
    void parsesTheDesignDocumentsExamples() {
        EventJson.Parsed view = EventJson.parse(
                "{\"event_type\":\"page_view\",\"user_id\":123,\"product_id\":\"product_abc\",\"timestamp\":\"2024-07-27T10:00:00Z\"}");
        assertTrue(view.ok(), view.explain());
        assertEquals(EventType.PAGE_VIEW, view.event().type());
        assertEquals(123, view.event().userId());
        assertEquals("product_abc", view.event().productId());
        assertEquals(Instant.parse("2024-07-27T10:00:00Z"), view.event().timestamp());

        EventJson.Parsed search = EventJson.parse(
                "{\"event_type\":\"search\",\"user_id\":456,\"query\":\"running shoes\",\"timestamp\":\"2024-07-27T10:03:00Z\"}");
        assertTrue(search.ok(), search.explain());
        assertEquals("running shoes", search.event().query());
        assertNull(search.event().productId());
    }

    @Test
    void timestampWithoutZoneIsUtcAndOffsetsAreHonoured() {
        assertEquals(Instant.parse("2024-07-27T10:00:00Z"), parseTime("2024-07-27T10:00:00"));
        assertEquals(Instant.parse("2024-07-27T08:00:00Z"), parseTime("2024-07-27T10:00:00+02:00"));
        assertEquals(Instant.parse("2024-07-27T10:00:00.123Z"), parseTime("2024-07-27T10:00:00.123Z"));
    }

    private static Instant parseTime(String ts) {
        EventJson.Parsed p = EventJson.parse("{\"event_type\":\"click\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"" + ts + "\"}");
        assertTrue(p.ok(), p.explain());
        return p.event().timestamp();
    }

    @Test
    void theFastPathAgreesWithTheIsoFormatter() {
        for (String ts : new String[] {"2024-07-27T10:00:00Z", "2024-07-27T10:00:00", "2024-07-27T23:59:59.5Z",
                "2024-02-29T00:00:00.123456789Z", "1999-12-31T23:59:59.000Z", "2024-07-27T10:00:00.1"}) {
            Instant fast = EventJson.parseCommonUtc(ts);
            Instant slow = java.time.LocalDateTime.parse(ts.replace("Z", "")).toInstant(java.time.ZoneOffset.UTC);
            assertEquals(slow, fast, ts);
        }
        // Not the common shape: left to the formatter, which accepts some (10:00Z, offsets) and rejects others.
        for (String ts : new String[] {"2024-07-27T10:00Z", "2024-07-27T12:00:00+02:00", "2024-02-30T10:00:00Z",
                "2024-07-27T25:00:00Z", "2024-07-27 10:00:00Z", "2024-07-27T10:00:00.Z", "2024-07-27T10:00:00.1234567890Z"}) {
            assertEquals(null, EventJson.parseCommonUtc(ts), ts);
        }
        assertEquals(Instant.parse("2024-07-27T10:00:00Z"), parseTime("2024-07-27T10:00Z"));
        for (String bad : new String[] {"2024-02-30T10:00:00Z", "2024-07-27T25:00:00Z", "2024-07-27 10:00:00Z"}) {
            EventJson.Parsed p = EventJson.parse("{\"event_type\":\"click\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"" + bad + "\"}");
            assertEquals(RejectReason.WRONG_TYPE, p.reason(), bad);
        }
    }

    @Test
    void optionalFieldsSurviveARoundTrip() {
        Event e = new Event(EventType.PURCHASE, 7, "p\"1", null, at("10:00:01.5"), "e-1", "o-9", "s-3", 2, 19.99, "rec-4");
        EventJson.Parsed back = EventJson.parse(EventJson.write(e));
        assertTrue(back.ok(), back.explain());
        assertEquals(e, back.event());
    }

    @Test
    void writerLeavesOutAbsentFields() {
        assertEquals("{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p1\",\"timestamp\":\"2024-07-27T10:00:00Z\"}",
                EventJson.write(Events.view(1, "p1", at("10:00"))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p\"                  | unparseable",
        "[1,2,3]                                                                              | unparseable",
        "{\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}           | missing_field",
        "{\"event_type\":\"page_view\",\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"} | missing_field",
        "{\"event_type\":\"page_view\",\"user_id\":1,\"timestamp\":\"2024-07-27T10:00:00Z\"}    | missing_field",
        "{\"event_type\":\"search\",\"user_id\":1,\"timestamp\":\"2024-07-27T10:00:00Z\"}       | missing_field",
        "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p\"}                      | missing_field",
        "{\"event_type\":\"page_view\",\"user_id\":\"u1\",\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"} | wrong_type",
        "{\"event_type\":\"page_view\",\"user_id\":1.5,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}   | wrong_type",
        "{\"event_type\":\"page_view\",\"user_id\":-3,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}    | wrong_type",
        "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":7,\"timestamp\":\"2024-07-27T10:00:00Z\"}         | wrong_type",
        "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"yesterday\"}                | wrong_type",
        "{\"event_type\":\"purchase\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\",\"quantity\":\"two\"} | wrong_type",
        "{\"event_type\":\"wishlist_add\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}  | unknown_event_type",
    })
    void rejectsBadRecordsWithTheRightReason(String json, String reason) {
        EventJson.Parsed p = EventJson.parse(json);
        assertFalse(p.ok(), "accepted " + json);
        assertEquals(reason, p.reason().code(), p.explain());
    }

    @ParameterizedTest(name = "bytes: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"} | ok",
        "{\"event_type\":\"page_view\",\"user_id\":1,                                                        | unparseable",
        "{\"event_type\":\"teleport\",\"user_id\":1,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"} | unknown_event_type",
        "{\"event_type\":\"page_view\",\"user_id\":\"u1\",\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"} | wrong_type",
    })
    void bytesParseAsTheirStringDoes(String json, String expected) {
        EventJson.Parsed fromBytes = EventJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        EventJson.Parsed fromString = EventJson.parse(json);
        assertEquals(expected, fromBytes.ok() ? "ok" : fromBytes.reason().code());
        assertEquals(fromString.event(), fromBytes.event());
        assertEquals(fromString.reason(), fromBytes.reason());
    }

    @Test
    void bytesThatAreNotUtf8AreUnparseable() {
        byte[] latin1 = "{\"event_type\":\"search\",\"user_id\":1,\"query\":\"caf\u00e9\",\"timestamp\":\"2024-07-27T10:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(RejectReason.UNPARSEABLE, EventJson.parse(latin1).reason());
        assertEquals(RejectReason.UNPARSEABLE, EventJson.parse(new byte[0]).reason());
        assertEquals("café", EventJson.parse("{\"event_type\":\"search\",\"user_id\":1,\"query\":\"caf\u00e9\",\"timestamp\":\"2024-07-27T10:00:00Z\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).event().query());
    }

    @Test
    void explanationNamesTheField() {
        EventJson.Parsed p = EventJson.parse("{\"event_type\":\"page_view\",\"user_id\":1,\"timestamp\":\"2024-07-27T10:00:00Z\"}");
        assertEquals("missing_field: product_id is required", p.explain());
    }
}
