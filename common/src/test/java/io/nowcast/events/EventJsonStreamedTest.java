package io.nowcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The token-by-token fast path of {@link EventJson#parse(byte[])} against the tree path it stands in
 * for: on valid events and on thousands of mutated ones, both give the same verdict, the same event and
 * the same rejection.
 */
class EventJsonStreamedTest {
    private static final String[] VALUES = {
        "\"page_view\"", "\"search\"", "\"purchase\"", "\"add_to_cart\"", "\"click\"", "\"teleport\"", "\"\"",
        "12", "-3", "0", "9223372036854775807", "92233720368547758070", "1.5", "2e3", "true", "null", "{}", "[1,2]",
        "\"2024-07-27T10:00:00Z\"", "\"2024-07-27T10:00:00.123\"", "\"2024-07-27T10:00:00+02:00\"", "\"2024-02-30T10:00:00Z\"",
        "\"yesterday\"", "\"p_1\"", "\"caf\\u00e9 \\\"x\\\"\"", "2147483648", "99.99", "{\"a\":[1,{\"b\":2}]}"
    };
    private static final String[] FIELDS = {
        "event_type", "user_id", "product_id", "query", "timestamp", "event_id", "order_id", "session_id",
        "quantity", "price", "rec_id", "extra"
    };

    private static void same(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        EventJson.Parsed got = EventJson.parse(bytes);
        EventJson.Parsed want = EventJson.parseTree(bytes);
        assertEquals(want, got, json);
    }

    @Test
    void validEventsTakeTheFastPathAndEqualTheTreesAnswer() {
        List<String> valid = List.of(
                "{\"event_type\":\"page_view\",\"user_id\":123,\"product_id\":\"product_abc\",\"timestamp\":\"2024-07-27T10:00:00Z\"}",
                "{\"event_type\":\"search\",\"user_id\":456,\"query\":\"running shoes\",\"timestamp\":\"2024-07-27T10:03:00\"}",
                "{\"event_type\":\"purchase\",\"user_id\":7,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:03:00.5Z\",\"event_id\":\"e\","
                        + "\"order_id\":\"o\",\"session_id\":\"s\",\"quantity\":2,\"price\":19.5,\"rec_id\":\"r\",\"extra\":{\"x\":[1,2]}}",
                "{\"event_type\":\"click\",\"user_id\":0,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\",\"price\":20,\"quantity\":null}",
                "{\"user_id\":1,\"user_id\":2,\"event_type\":\"page_view\",\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}");
        for (String json : valid) {
            assertNotNull(EventJson.streamed(json.getBytes(StandardCharsets.UTF_8)), json);
            same(json);
        }
    }

    @Test
    void mutatedEventsGetTheSameVerdictAndReasonAsTheTree() {
        Random random = new Random(5);
        for (int round = 0; round < 20_000; round++) {
            List<String> parts = new ArrayList<>();
            parts.add("\"event_type\":" + VALUES[random.nextInt(5)]);
            parts.add("\"user_id\":" + (random.nextInt(4) == 0 ? VALUES[random.nextInt(VALUES.length)] : "42"));
            parts.add("\"product_id\":\"p1\"");
            parts.add("\"timestamp\":\"2024-07-27T10:00:00Z\"");
            int changes = 1 + random.nextInt(3);
            for (int c = 0; c < changes; c++) {
                String field = FIELDS[random.nextInt(FIELDS.length)];
                String value = VALUES[random.nextInt(VALUES.length)];
                if (random.nextInt(5) == 0 && !parts.isEmpty()) {
                    parts.remove(random.nextInt(parts.size()));
                } else {
                    parts.add(random.nextInt(parts.size() + 1), "\"" + field + "\":" + value);
                }
            }
            String json = "{" + String.join(",", parts) + "}";
            switch (random.nextInt(12)) {
                case 0 -> json = json.substring(0, random.nextInt(json.length()));
                case 1 -> json = json + " trailing";
                case 2 -> json = "[" + json + "]";
                default -> { }
            }
            same(json);
        }
    }

    @Test
    void bytesThatAreNotJsonOrNotUtf8GetTheTreesRejection() {
        same("");
        same("   ");
        same("null");
        same("\"just a string\"");
        byte[] badUtf8 = {'{', '"', 'e', 'v', 'e', 'n', 't', '_', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(EventJson.parseTree(badUtf8), EventJson.parse(badUtf8));
    }
}
