package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
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
        // Streamed, not built as a tree: this runs for every refreshed user (thousands a second).
        StringWriter out = new StringWriter(256 + 160 * items.size());
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("user_id", userId);
            g.writeArrayFieldStart("recommended_products");
            for (RecommendedItem i : items) {
                g.writeString(i.productId());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("items");
            for (RecommendedItem i : items) {
                g.writeStartObject();
                g.writeStringField("product_id", i.productId());
                g.writeStringField("source", i.source());
                g.writeStringField("reason", i.reason());
                g.writeNumberField("score", i.score());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("generated_at", generatedAt.toString());
            g.writeStringField("stream_time", streamTime == null ? null : streamTime.toString());
            g.writeStringField("batch_version", batchVersion);
            g.writeNumberField("rules_version", rulesVersion);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing recommendations of user " + userId, e);
        }
        return out.toString();
    }
}
