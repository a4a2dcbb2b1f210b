package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
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
    // Field names encoded once: Jackson copies their bytes instead of checking each character for escapes.
    private static final SerializedString USER_ID = new SerializedString("user_id");
    private static final SerializedString RECOMMENDED_PRODUCTS = new SerializedString("recommended_products");
    private static final SerializedString ITEMS = new SerializedString("items");
    private static final SerializedString PRODUCT_ID = new SerializedString("product_id");
    private static final SerializedString SOURCE = new SerializedString("source");
    private static final SerializedString REASON = new SerializedString("reason");
    private static final SerializedString SCORE = new SerializedString("score");
    private static final SerializedString GENERATED_AT = new SerializedString("generated_at");
    private static final SerializedString STREAM_TIME = new SerializedString("stream_time");
    private static final SerializedString BATCH_VERSION = new SerializedString("batch_version");
    private static final SerializedString RULES_VERSION = new SerializedString("rules_version");

    private RecommendationJson() {}

    /**
     * What every key written in one round shares: its times as text (formatting an {@link Instant} costs more
     * than the rest of a key's header), the batch version and the rules version.
     */
    public record Round(String generatedAt, String streamTime, String batchVersion, long rulesVersion) {
        public static Round of(Instant generatedAt, Instant streamTime, String batchVersion, long rulesVersion) {
            return new Round(generatedAt.toString(), streamTime == null ? null : streamTime.toString(), batchVersion, rulesVersion);
        }
    }

    public static String write(long userId, List<RecommendedItem> items, Instant generatedAt, Instant streamTime,
                               String batchVersion, long rulesVersion) {
        return new String(utf8(userId, items, Round.of(generatedAt, streamTime, batchVersion, rulesVersion)), StandardCharsets.UTF_8);
    }

    /** The same JSON as UTF-8 bytes, as Redis stores it (the refresher writes these without a String in between). */
    public static byte[] utf8(long userId, List<RecommendedItem> items, Round round) {
        // Streamed, not built as a tree: this runs for every refreshed user (thousands a second).
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 192 * items.size());
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeFieldName(USER_ID);
            g.writeNumber(userId);
            g.writeFieldName(RECOMMENDED_PRODUCTS);
            g.writeStartArray();
            for (RecommendedItem i : items) {
                g.writeString(i.productId());
            }
            g.writeEndArray();
            g.writeFieldName(ITEMS);
            g.writeStartArray();
            for (RecommendedItem i : items) {
                g.writeStartObject();
                g.writeFieldName(PRODUCT_ID);
                g.writeString(i.productId());
                g.writeFieldName(SOURCE);
                g.writeString(i.source());
                g.writeFieldName(REASON);
                g.writeString(i.reason());
                g.writeFieldName(SCORE);
                g.writeNumber(i.score());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeFieldName(GENERATED_AT);
            g.writeString(round.generatedAt());
            g.writeFieldName(STREAM_TIME);
            g.writeString(round.streamTime());
            g.writeFieldName(BATCH_VERSION);
            g.writeString(round.batchVersion());
            g.writeFieldName(RULES_VERSION);
            g.writeNumber(round.rulesVersion());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing recommendations of user " + userId, e);
        }
        return out.toByteArray();
    }
}
