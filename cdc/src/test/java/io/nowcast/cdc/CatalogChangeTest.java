package io.nowcast.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** Debezium change records of product_catalog (the envelope pgoutput gives, decimals as strings) → what goes to Kafka. */
class CatalogChangeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aSnapshotRowBecomesTheProductJsonWithPriceAsANumber() throws Exception {
        CatalogChange c = CatalogChange.of(ChangeRecords.record("r", null, ChangeRecords.row("p1", "Shoe", "shoes/running", "99.990", true), "first"));
        assertEquals(CatalogChange.Kind.UPSERT, c.kind());
        assertEquals("p1", c.productId());
        assertTrue(c.snapshot());
        assertFalse(c.lastOfSnapshot());
        JsonNode j = MAPPER.readTree(c.json());
        assertTrue(j.get("price").isNumber(), c.json());
        assertEquals(99.99, j.get("price").doubleValue());
        assertEquals("shoes/running", j.get("category").asText());
        assertEquals("A pick", j.get("description").asText());
        assertFalse(j.has("image_url"), "a null column is left out");
        assertFalse(j.has("updated_at"), "not part of the product JSON");
        assertTrue(j.get("in_stock").booleanValue());
    }

    @Test
    void updatesAreUpsertsAndTheLastSnapshotRowIsMarked() {
        CatalogChange u = CatalogChange.of(ChangeRecords.record("u", ChangeRecords.row("p1", "Shoe", "a/b", "5", true), ChangeRecords.row("p1", "Shoe", "a/c", "5", false), "false"));
        assertEquals(CatalogChange.Kind.UPSERT, u.kind());
        assertFalse(u.snapshot());
        assertTrue(u.json().contains("\"category\":\"a/c\"") && u.json().contains("\"in_stock\":false"), u.json());
        assertTrue(CatalogChange.of(ChangeRecords.record("r", null, ChangeRecords.row("p9", "X", "a/b", "1", true), "last")).lastOfSnapshot());
        assertEquals(CatalogChange.Kind.UPSERT, CatalogChange.of(ChangeRecords.record("c", null, ChangeRecords.row("p2", "X", "a/b", "0", true), null)).kind());
    }

    @Test
    void aDeleteIsATombstoneForTheOldKey() {
        CatalogChange d = CatalogChange.of(ChangeRecords.record("d", ChangeRecords.row("p1", "Shoe", "a/b", "5", true), null, "false"));
        assertEquals(CatalogChange.Kind.DELETE, d.kind());
        assertEquals("p1", d.productId());
        assertNull(d.json());
    }

    @Test
    void badRowsAreRejectedWithTheReasonAndTheRowAsJson() {
        CatalogChange nullCategory = CatalogChange.of(ChangeRecords.record("c", null, ChangeRecords.row("p1", "Shoe", null, "5", true), null));
        assertEquals(CatalogChange.Kind.REJECT, nullCategory.kind());
        assertEquals("p1", nullCategory.productId());
        assertTrue(nullCategory.reason().contains("category is required"), nullCategory.reason());
        assertTrue(nullCategory.json().contains("\"category\":null"), nullCategory.json());

        CatalogChange negative = CatalogChange.of(ChangeRecords.record("u", null, ChangeRecords.row("p2", "Shoe", "a/b", "-0.01", true), null));
        assertEquals(CatalogChange.Kind.REJECT, negative.kind());
        assertTrue(negative.reason().contains("price must not be negative"), negative.reason());

        CatalogChange oversized = CatalogChange.of(ChangeRecords.record("c", null, ChangeRecords.row("p3", "x".repeat(1_001), "a/b", "5", true), null));
        assertEquals(CatalogChange.Kind.REJECT, oversized.kind());
        assertTrue(oversized.reason().contains("name is longer than 1000"), oversized.reason());

        CatalogChange nullPrice = CatalogChange.of(ChangeRecords.record("c", null, ChangeRecords.row("p4", "Shoe", "a/b", null, true), null));
        assertTrue(nullPrice.reason().contains("price is required"), nullPrice.reason());

        CatalogChange nan = CatalogChange.of(ChangeRecords.record("c", null, ChangeRecords.row("p5", "Shoe", "a/b", "NaN", true), null));
        assertEquals(CatalogChange.Kind.REJECT, nan.kind());
    }

    @Test
    void recordsThatAreNotRowChangesAreSkipped() {
        assertEquals(CatalogChange.Kind.SKIP, CatalogChange.of(new SourceRecord(Map.of(), Map.of(), "t", null, null, null, null)).kind());
        Schema heartbeat = SchemaBuilder.struct().field("ts_ms", Schema.INT64_SCHEMA).build();
        assertEquals(CatalogChange.Kind.SKIP, CatalogChange.of(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat", heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L))).kind());
        assertEquals(CatalogChange.Kind.SKIP, CatalogChange.of(ChangeRecords.record("t", null, ChangeRecords.row("p1", "Shoe", "a/b", "5", true), null)).kind());
    }
}
