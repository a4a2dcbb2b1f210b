package io.nowcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LineCheckTest {
    @Test
    void eventsAreKeyedByUser() {
        LineCheck.Verdict v = LineCheck.check("user_activity",
                "{\"event_type\":\"page_view\",\"user_id\":42,\"product_id\":\"p\",\"timestamp\":\"2024-07-27T10:00:00Z\"}");
        assertTrue(v.ok());
        assertEquals("42", v.key());
    }

    @Test
    void catalogLinesAreKeyedByProductAndDeletesBecomeTombstones() {
        LineCheck.Verdict up = LineCheck.check("product_catalog", "{\"product_id\":\"p1\",\"name\":\"n\",\"category\":\"a/b\",\"price\":1}");
        assertEquals("p1", up.key());
        LineCheck.Verdict del = LineCheck.check("product_catalog", "{\"product_id\":\"p1\",\"deleted\":true}");
        assertTrue(del.ok());
        assertEquals("p1", del.key());
        assertNull(del.value());
    }

    @Test
    void badLinesSayWhy() {
        LineCheck.Verdict v = LineCheck.check("user_activity", "{\"event_type\":\"page_view\"");
        assertFalse(v.ok());
        assertTrue(v.error().startsWith("unparseable"), v.error());
    }
}
