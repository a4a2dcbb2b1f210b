package io.nowcast.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The product JSON codec. {@link #parse} validates a catalog line; a line of the form
 * {@code {"product_id":"p1","deleted":true}} stands for a delete, which becomes a tombstone on the topic.
 */
public final class ProductJson {
    /** Longest name, category or URL accepted; a catalog row past it is rejected, not truncated. */
    public static final int MAX_TEXT = 1_000;
    /** Longest description accepted. */
    public static final int MAX_DESCRIPTION = 10_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private ProductJson() {}

    /** One parsed catalog line: an upsert ({@code product}), a delete ({@code deletedId}) or a rejection ({@code error}). */
    public record Parsed(Product product, String deletedId, String error) {
        public boolean ok() {
            return error == null;
        }

        /** The Kafka key: the product id, for upserts and deletes alike. */
        public String key() {
            return product != null ? product.productId() : deletedId;
        }
    }

    public static Parsed parse(String json) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return error("not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return parse(o);
    }

    /** Checks an already parsed catalog object (a CSV row or a database row turned into JSON, say). */
    public static Parsed parse(JsonNode o) {
        if (o == null || !o.isObject()) {
            return error("not a JSON object");
        }
        JsonNode id = o.get("product_id");
        if (id == null || !id.isTextual() || id.textValue().isBlank()) {
            return error("product_id is required and must be a non-empty string");
        }
        String productId = id.textValue();
        if (productId.length() > MAX_TEXT) {
            return error("product_id is longer than " + MAX_TEXT + " characters");
        }
        if (o.path("deleted").asBoolean(false)) {
            return new Parsed(null, productId, null);
        }
        String problem = firstProblem(o);
        if (problem != null) {
            return error(productId + ": " + problem);
        }
        JsonNode stock = o.get("in_stock");
        return new Parsed(new Product(productId,
                o.get("name").textValue(),
                o.get("category").textValue(),
                o.get("price").doubleValue(),
                textOrNull(o, "description"),
                textOrNull(o, "image_url"),
                stock == null || stock.isNull() || stock.booleanValue()), null, null);
    }

    private static String firstProblem(JsonNode o) {
        for (String field : new String[] {"name", "category"}) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull() || !n.isTextual() || n.textValue().isBlank()) {
                return field + " is required and must be a non-empty string";
            }
            if (n.textValue().length() > MAX_TEXT) {
                return field + " is longer than " + MAX_TEXT + " characters";
            }
        }
        JsonNode price = o.get("price");
        if (price == null || !price.isNumber()) {
            return "price is required and must be a number";
        }
        if (price.doubleValue() < 0 || !Double.isFinite(price.doubleValue())) {
            return "price must not be negative, got " + price;
        }
        for (String field : new String[] {"description", "image_url"}) {
            JsonNode n = o.get(field);
            if (n != null && !n.isNull() && !n.isTextual()) {
                return field + " must be a string";
            }
        }
        if (o.hasNonNull("description") && o.get("description").textValue().length() > MAX_DESCRIPTION) {
            return "description is longer than " + MAX_DESCRIPTION + " characters";
        }
        if (o.hasNonNull("image_url") && o.get("image_url").textValue().length() > MAX_TEXT) {
            return "image_url is longer than " + MAX_TEXT + " characters";
        }
        JsonNode stock = o.get("in_stock");
        if (stock != null && !stock.isNull() && !stock.isBoolean()) {
            return "in_stock must be true or false";
        }
        return null;
    }

    private static String textOrNull(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n == null || n.isNull() ? null : n.textValue();
    }

    private static Parsed error(String message) {
        return new Parsed(null, null, message);
    }

    /** The canonical product JSON; optional text fields are left out when null. */
    public static String write(Product p) {
        StringBuilder sb = new StringBuilder(200);
        sb.append("{\"product_id\":\"");
        ENCODER.quoteAsString(p.productId(), sb);
        sb.append("\",\"name\":\"");
        ENCODER.quoteAsString(p.name(), sb);
        sb.append("\",\"category\":\"");
        ENCODER.quoteAsString(p.category(), sb);
        sb.append("\",\"price\":").append(p.price());
        if (p.description() != null) {
            sb.append(",\"description\":\"");
            ENCODER.quoteAsString(p.description(), sb);
            sb.append('"');
        }
        if (p.imageUrl() != null) {
            sb.append(",\"image_url\":\"");
            ENCODER.quoteAsString(p.imageUrl(), sb);
            sb.append('"');
        }
        return sb.append(",\"in_stock\":").append(p.inStock()).append('}').toString();
    }
}
