package io.nowcast.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProductJsonTest {
    private static final String DESIGN_EXAMPLE = "{\"product_id\":\"product_abc\",\"name\":\"Awesome Running Shoes\","
            + "\"category\":\"shoes/running\",\"price\":99.99,\"description\":\"...\",\"image_url\":\"...\"}";

    @Test
    void parsesTheDesignExampleAndDefaultsInStockToTrue() {
        ProductJson.Parsed p = ProductJson.parse(DESIGN_EXAMPLE);
        assertTrue(p.ok(), p.error());
        assertEquals(new Product("product_abc", "Awesome Running Shoes", "shoes/running", 99.99, "...", "...", true), p.product());
        assertEquals("shoes", p.product().topCategory());
        assertEquals("product_abc", p.key());
    }

    @Test
    void roundTripsThroughTheWriter() {
        Product p = new Product("p<1>", "Shoe \"X\" & co", "shoes/trail", 12.5, null, null, false);
        assertEquals(p, ProductJson.parse(ProductJson.write(p)).product());
    }

    @Test
    void deletedMarkerBecomesADeleteKeyedByProduct() {
        ProductJson.Parsed p = ProductJson.parse("{\"product_id\":\"p9\",\"deleted\":true}");
        assertTrue(p.ok());
        assertNull(p.product());
        assertEquals("p9", p.key());
    }

    @Test
    void rejectsNullCategoryNegativePriceAndOversizedText() {
        assertRejected("{\"product_id\":\"p\",\"name\":\"n\",\"category\":null,\"price\":1}", "category is required");
        assertRejected("{\"product_id\":\"p\",\"name\":\"n\",\"category\":\"c\",\"price\":-1}", "price must not be negative");
        assertRejected("{\"product_id\":\"p\",\"name\":\"" + "x".repeat(ProductJson.MAX_TEXT + 1) + "\",\"category\":\"c\",\"price\":1}", "name is longer");
        assertRejected("{\"product_id\":\"p\",\"name\":\"n\",\"category\":\"c\",\"price\":\"9.99\"}", "price is required and must be a number");
        assertRejected("{\"name\":\"n\",\"category\":\"c\",\"price\":1}", "product_id is required");
        assertRejected("{\"product_id\":\"p\",\"name\":\"n\",\"category\":\"c\",\"price\":1,\"in_stock\":\"yes\"}", "in_stock must be true or false");
        assertRejected("not json", "not valid JSON");
    }

    private static void assertRejected(String json, String expected) {
        ProductJson.Parsed p = ProductJson.parse(json);
        assertFalse(p.ok(), "accepted " + json);
        assertTrue(p.error().contains(expected), p.error());
    }
}
