package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON values of the batch views: a product's neighbours in {@code copurchase:{version}} and a
 * user's list in {@code cf:{version}}, as compact arrays, best first. Scores keep four decimals.
 */
public final class BatchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BatchJson() {}

    public static String neighbours(List<Neighbour> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Neighbour n : list) {
            a.addObject().put("product_id", n.productId()).put("llr", round(n.llr())).put("support", n.support())
                    .put("lift", round(n.lift()));
        }
        return write(a);
    }

    public static List<Neighbour> neighbours(String json) {
        List<Neighbour> out = new ArrayList<>();
        for (JsonNode n : read(json)) {
            out.add(new Neighbour(n.get("product_id").asText(), n.get("llr").asDouble(), n.get("support").asLong(),
                    n.get("lift").asDouble()));
        }
        return out;
    }

    public static String cf(List<CfItem> list) {
        ArrayNode a = MAPPER.createArrayNode();
        for (CfItem i : list) {
            a.addObject().put("product_id", i.productId()).put("score", round(i.score())).put("because", i.because())
                    .put("support", i.support());
        }
        return write(a);
    }

    public static List<CfItem> cf(String json) {
        List<CfItem> out = new ArrayList<>();
        for (JsonNode n : read(json)) {
            out.add(new CfItem(n.get("product_id").asText(), n.get("score").asDouble(), n.get("because").asText(),
                    n.get("support").asLong()));
        }
        return out;
    }

    static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static String write(ArrayNode a) {
        try {
            return MAPPER.writeValueAsString(a);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a batch view value", e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a batch view value: " + e.getOriginalMessage(), e);
        }
    }
}
