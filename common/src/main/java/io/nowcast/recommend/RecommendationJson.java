package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of the per-user key {@code {user_id}}: the original design's {@code user_id} and
 * {@code recommended_products}, plus {@code items} with source, reason and score, {@code generated_at},
 * {@code stream_time}, {@code batch_version} (null before the first publish) and {@code rules_version}.
 */
public final class RecommendationJson {
    /** Scores written by Jackson's shortest-digits writer (Schubfach): cheaper than JDK 17's Double.toString, the same values when read back. */
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private RecommendationJson() {}

    public static String write(long userId, List<RecommendedItem> items, Instant generatedAt, Instant streamTime,
                               String batchVersion, long rulesVersion) {
        return new String(utf8(userId, items, generatedAt, streamTime, batchVersion, rulesVersion), StandardCharsets.UTF_8);
    }

    /** The same JSON as UTF-8 bytes, as Redis stores it (the refresher writes these without a String in between). */
    public static byte[] utf8(long userId, List<RecommendedItem> items, Instant generatedAt, Instant streamTime,
                              String batchVersion, long rulesVersion) {
        // Streamed, not built as a tree: this runs for every refreshed user (thousands a second).
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 192 * items.size());
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
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
        return out.toByteArray();
    }
}
