package io.nowcast.cdc;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** Debezium change records of product_catalog as the pgoutput connector shapes them (decimals as strings). */
final class ChangeRecords {
    private ChangeRecords() {}

    private static final Schema ROW = SchemaBuilder.struct().name("nowcast.public.product_catalog.Value")
            .field("product_id", Schema.STRING_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("category", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Schema.OPTIONAL_STRING_SCHEMA)
            .field("description", Schema.OPTIONAL_STRING_SCHEMA)
            .field("image_url", Schema.OPTIONAL_STRING_SCHEMA)
            .field("in_stock", Schema.BOOLEAN_SCHEMA)
            .field("updated_at", Schema.STRING_SCHEMA)
            .optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("nowcast.public.product_catalog.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().field("product_id", Schema.STRING_SCHEMA).build();

    static Struct row(String id, String name, String category, String price, boolean inStock) {
        return new Struct(ROW).put("product_id", id).put("name", name).put("category", category).put("price", price)
                .put("description", "A pick").put("image_url", null).put("in_stock", inStock).put("updated_at", "2026-11-27T10:00:00Z");
    }

    static SourceRecord record(String op, Struct before, Struct after, String snapshot) {
        Struct value = new Struct(ENVELOPE).put("op", op).put("before", before).put("after", after)
                .put("source", new Struct(SOURCE).put("snapshot", snapshot));
        String id = (after != null ? after : before).getString("product_id");
        return new SourceRecord(Map.of(), Map.of(), "nowcast.public.product_catalog", null, KEY, new Struct(KEY).put("product_id", id), ENVELOPE, value);
    }

}
