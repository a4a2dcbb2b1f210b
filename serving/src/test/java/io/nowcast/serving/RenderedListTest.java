package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.recommend.RecommendationJson;
import io.nowcast.recommend.RecommendedItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API's answer cut from a stored key: limit, exclude, escaping, the trailing fields. */
class RenderedListTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String key() {
        List<RecommendedItem> items = List.of(
                new RecommendedItem("p1", "bought_together", "bought with \"x\" in 3 baskets", 3.5),
                new RecommendedItem("p\"2", "batch_cf", "why", 2.5),
                new RecommendedItem("p3", "speed", "why", 1.5));
        return RecommendationJson.write(7, items, Instant.parse("2024-07-27T10:00:00Z"), Instant.parse("2024-07-27T09:59:00Z"), "v9", 4);
    }

    private static List<String> ids(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("recommended_products").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void answersTheKeysLayoutCutToTheLimitAfterExclusions() throws Exception {
        RenderedList list = new RenderedList(key());
        JsonNode all = MAPPER.readTree(list.answer(7, 10, Set.of(), true));
        assertEquals(List.of("p1", "p\"2", "p3"), ids(all));
        assertEquals("bought with \"x\" in 3 baskets", all.get("items").get(0).get("reason").asText());
        assertEquals("v9", all.get("batch_version").asText());
        assertEquals(4, all.get("rules_version").asLong());
        assertEquals("2024-07-27T09:59:00Z", all.get("stream_time").asText());
        assertEquals(true, all.get("known_user").asBoolean());
        assertEquals(4, list.rulesVersion);

        JsonNode cut = MAPPER.readTree(list.answer(99, 1, Set.of("p1"), false));
        assertEquals(99, cut.get("user_id").asLong(), "the asking user's id, even for the shared fallback");
        assertEquals(List.of("p\"2"), ids(cut));
        assertEquals(1, cut.get("items").size());
        assertEquals(false, cut.get("known_user").asBoolean());
        assertEquals(List.of(), ids(MAPPER.readTree(list.answer(7, 5, Set.of("p1", "p\"2", "p3"), true))));
    }

    @Test
    void aKeyThatIsNotItsJsonIsAnError() {
        assertThrows(IllegalStateException.class, () -> new RenderedList("{not json"));
        assertThrows(IllegalStateException.class, () -> new RenderedList("{\"items\":[]} trailing"));
        assertThrows(IllegalStateException.class, () -> new RenderedList("{\"items\":[{\"score\":1}]}"));
        assertThrows(IllegalStateException.class, () -> new RenderedList("[]"));
    }

    @Test
    void piecesAreCutFromTheKeysOwnTextWhateverItsSpacingAndFieldOrder() throws Exception {
        String pretty = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(MAPPER.readTree(key()));
        String reordered = "{ \"rules_version\" : 12, \"items\" : [ { \"score\" : 1.5, \"why\" : {\"n\": [1, \"}\"]},"
                + " \"product_id\" : \"a\\\"b\" }, {\"product_id\":\"c\"} ], \"extra\": {\"x\": [\"]\"]},"
                + " \"generated_at\" : \"2024-07-27T10:00:00Z\" }";
        JsonNode a = MAPPER.readTree(new RenderedList(pretty).answer(7, 10, Set.of(), true));
        JsonNode b = MAPPER.readTree(new RenderedList(key()).answer(7, 10, Set.of(), true));
        assertEquals(b, a, "the same answer from the same key pretty-printed");

        RenderedList r = new RenderedList(reordered);
        assertEquals(12, r.rulesVersion);
        JsonNode c = MAPPER.readTree(r.answer(3, 10, Set.of("c"), true));
        assertEquals(List.of("a\"b"), ids(c));
        assertEquals(MAPPER.readTree("{\"n\": [1, \"}\"]}"), c.get("items").get(0).get("why"), "an item's nested JSON whole");
        assertEquals("2024-07-27T10:00:00Z", c.get("generated_at").asText());
        assertTrue(c.get("stream_time").isNull(), "a trailing field the key lacks is null");
        assertEquals(12, c.get("rules_version").asLong());
    }

    @Test
    void windowsMustStartOnTheHour() {
        assertEquals("2024-03-21T10:00:00", ReadApi.windowText("2024-03-21T10:00:00"));
        assertThrows(io.javalin.http.BadRequestResponse.class, () -> ReadApi.windowText("2024-03-21T10:30:00"));
        assertThrows(io.javalin.http.BadRequestResponse.class, () -> ReadApi.windowText("yesterday"));
    }
}
