package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of the per-user key {@code {user_id}}: the original design's {@code user_id} and
 * {@code recommended_products}, plus {@code items} with source, reason and score, {@code generated_at},
 * {@code stream_time}, {@code batch_version} (null before the first publish) and {@code rules_version}.
 */
public final class RecommendationJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecommendationJson() {}

    public static String write(long userId, List<RecommendedItem> items, Instant generatedAt, Instant streamTime,
                               String batchVersion, long rulesVersion) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("user_id", userId);
        ArrayNode ids = root.putArray("recommended_products");
        items.forEach(i -> ids.add(i.productId()));
        ArrayNode detail = root.putArray("items");
        for (RecommendedItem i : items) {
            detail.addObject().put("product_id", i.productId()).put("source", i.source())
                    .put("reason", i.reason()).put("score", i.score());
        }
        root.put("generated_at", generatedAt.toString());
        root.put("stream_time", streamTime == null ? null : streamTime.toString());
        root.put("batch_version", batchVersion);
        root.put("rules_version", rulesVersion);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing recommendations of user " + userId, e);
        }
    }
}
