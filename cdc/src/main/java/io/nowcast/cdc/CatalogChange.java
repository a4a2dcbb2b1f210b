package io.nowcast.cdc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nowcast.catalog.ProductJson;
import java.math.BigDecimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * What one Debezium change record of {@code product_catalog} means for the topic: an upsert of the
 * product JSON, a tombstone, a rejected row, or nothing (heartbeats, Debezium's own tombstones). Pure,
 * so every case is unit-tested without a database.
 */
public record CatalogChange(Kind kind, String productId, String json, String reason, boolean snapshot, boolean lastOfSnapshot) {
    public enum Kind { UPSERT, DELETE, REJECT, SKIP }

    private static final CatalogChange SKIP = new CatalogChange(Kind.SKIP, null, null, null, false, false);

    public static CatalogChange of(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return SKIP;
        }
        String op = value.getString("op");
        Struct source = value.schema().field("source") == null ? null : value.getStruct("source");
        String snap = source == null || source.schema().field("snapshot") == null ? null : source.getString("snapshot");
        boolean snapshot = snap != null && !"false".equals(snap) && !"incremental".equals(snap);
        boolean last = "last".equals(snap);
        switch (op) {
            case "d" -> {
                Struct before = value.getStruct("before");
                String id = before != null ? before.getString("product_id") : keyOf(record);
                return new CatalogChange(Kind.DELETE, id, null, null, snapshot, last);
            }
            case "c", "u", "r" -> {
                ObjectNode row = rowJson(value.getStruct("after"));
                ProductJson.Parsed parsed = ProductJson.parse(row);
                String id = row.path("product_id").asText(null);
                if (!parsed.ok() || parsed.product() == null) {
                    String why = parsed.ok() ? "a row cannot say deleted" : parsed.error();
                    return new CatalogChange(Kind.REJECT, id, row.toString(), why, snapshot, last);
                }
                return new CatalogChange(Kind.UPSERT, id, ProductJson.write(parsed.product()), null, snapshot, last);
            }
            default -> {
                return SKIP; // truncate ("t") and messages ("m") say nothing about a product
            }
        }
    }

    /** A row as the product JSON would carry it: price a JSON number, {@code updated_at} left out. */
    static ObjectNode rowJson(Struct after) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Field f : after.schema().fields()) {
            Object v = after.get(f);
            switch (f.name()) {
                case "updated_at" -> { }
                case "price" -> {
                    if (v == null) {
                        o.putNull("price");
                    } else {
                        try {
                            o.put("price", new BigDecimal(v.toString()));
                        } catch (NumberFormatException e) {
                            o.put("price", v.toString()); // NaN: rejected as not a number
                        }
                    }
                }
                case "in_stock" -> o.put("in_stock", (Boolean) v);
                default -> {
                    if (v == null) {
                        o.putNull(f.name());
                    } else {
                        o.put(f.name(), v.toString());
                    }
                }
            }
        }
        return o;
    }

    private static String keyOf(SourceRecord record) {
        return record.key() instanceof Struct k && k.schema().field("product_id") != null ? k.getString("product_id") : null;
    }
}
