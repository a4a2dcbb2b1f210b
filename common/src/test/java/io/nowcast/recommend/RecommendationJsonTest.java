package io.nowcast.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streamed key JSON is byte for byte what Jackson's tree model writes for the same list. */
class RecommendationJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The reference: the key built as a tree, in the documented field order. */
    private static String tree(long user, List<RecommendedItem> items, Instant at, Instant stream, String version, long rules)
            throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("user_id", user);
        ArrayNode ids = root.putArray("recommended_products");
        items.forEach(i -> ids.add(i.productId()));
        ArrayNode detail = root.putArray("items");
        items.forEach(i -> detail.addObject().put("product_id", i.productId()).put("source", i.source())
                .put("reason", i.reason()).put("score", i.score()));
        root.put("generated_at", at.toString());
        root.put("stream_time", stream == null ? null : stream.toString());
        root.put("batch_version", version);
        root.put("rules_version", rules);
        return MAPPER.writeValueAsString(root);
    }

    @Test
    void streamedEqualsTheTreeOnRandomLists() throws Exception {
        Random r = new Random(42);
        String[] odd = {"plain", "quote \" and \\ backslash", "tab\tnew\nline", "ünïcödé ✓", "\u0001control", ""};
        for (int run = 0; run < 2_000; run++) {
            List<RecommendedItem> items = new ArrayList<>();
            for (int k = r.nextInt(25); k > 0; k--) {
                double score = switch (r.nextInt(4)) {
                    case 0 -> r.nextInt(100);
                    case 1 -> r.nextDouble() * 4;
                    case 2 -> 1e-7 * r.nextDouble();
                    default -> -r.nextDouble();
                };
                items.add(new RecommendedItem("product_" + odd[r.nextInt(odd.length)] + k, r.nextBoolean() ? "speed" : "trending",
                        "because " + odd[r.nextInt(odd.length)], score));
            }
            long user = r.nextBoolean() ? r.nextInt(100_000) : -1;
            Instant at = Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1_000_000_000));
            Instant stream = r.nextBoolean() ? null : at.minusNanos(r.nextInt(1_000_000_000));
            String version = r.nextBoolean() ? null : "v" + odd[r.nextInt(odd.length)];
            long rules = r.nextInt(50);
            assertEquals(tree(user, items, at, stream, version, rules),
                    RecommendationJson.write(user, items, at, stream, version, rules), "run " + run);
        }
    }
}
