package io.nowcast.recommend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON of {@code rules:current}, the merchandiser rules every merge applies:
 * {@code {"version":3,"pins":{"p1":1},"blocked_products":["p2"],"blocked_categories":["toys"]}}.
 */
public final class RulesJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RulesJson() {}

    public static String write(MerchandisingRules rules) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", rules.version());
        ObjectNode pins = root.putObject("pins");
        new TreeMap<>(rules.pins()).forEach(pins::put);
        new TreeSet<>(rules.blockedProducts()).forEach(root.putArray("blocked_products")::add);
        new TreeSet<>(rules.blockedCategories()).forEach(root.putArray("blocked_categories")::add);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing merchandiser rules", e);
        }
    }

    /** The rules in a cached value; none (version 0) when there is no value. */
    public static MerchandisingRules read(String json) {
        if (json == null) {
            return MerchandisingRules.NONE;
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            Map<String, Integer> pins = new LinkedHashMap<>();
            root.path("pins").fields().forEachRemaining(e -> pins.put(e.getKey(), e.getValue().asInt()));
            Set<String> products = new HashSet<>();
            root.path("blocked_products").forEach(n -> products.add(n.asText()));
            Set<String> categories = new HashSet<>();
            root.path("blocked_categories").forEach(n -> categories.add(n.asText()));
            return new MerchandisingRules(root.path("version").asLong(), pins, products, categories);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a rules value: " + e.getOriginalMessage(), e);
        }
    }
}
