package io.nowcast.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.catalog.Product;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogFileTest {
    @Test
    void jsonLinesLoadUpsertsAndDeletesAndRejectBadLinesWithTheirLineNumbers() throws IOException {
        String file = String.join("\n",
                "{\"product_id\":\"p1\",\"name\":\"Shoe\",\"category\":\"shoes/running\",\"price\":9.5}",
                "",
                "{\"product_id\":\"p2\",\"name\":\"Bad\",\"category\":null,\"price\":1}",
                "{\"product_id\":\"p3\",\"deleted\":true}",
                "not json",
                "{\"product_id\":\"p4\",\"name\":\"Neg\",\"category\":\"a/b\",\"price\":-2}",
                "{\"product_id\":\"p5\",\"name\":\"Out\",\"category\":\"a/b\",\"price\":2,\"in_stock\":false}");
        CatalogFile.Contents c = CatalogFile.jsonLines(new BufferedReader(new StringReader(file)));
        assertEquals(List.of("p1", "p5"), c.products().stream().map(Product::productId).toList());
        assertFalse(c.products().get(1).inStock());
        assertEquals(List.of("p3"), c.deletes());
        assertEquals(List.of(3L, 5L, 6L), c.rejected().stream().map(CatalogFile.Rejected::line).toList());
        assertTrue(c.rejected().get(0).reason().contains("category is required"), c.rejected().get(0).reason());
        assertTrue(c.rejected().get(1).reason().contains("not valid JSON"));
        assertTrue(c.rejected().get(2).reason().contains("price must not be negative"));
    }

    @Test
    void csvWithAHeaderLoadsQuotedTextTypedPricesAndStockFlags() throws IOException {
        String file = String.join("\n",
                "product_id,name,category,price,description,image_url,in_stock",
                "p1,\"Shoe, red\",shoes/running,99.99,\"says \"\"hi\"\"\",,true",
                "p2,Cup,home/kitchen,abc,,,yes",
                "p3,Mug,home/kitchen,3,,,no",
                "p4,,home/kitchen,3,,,1",
                "p5,Pan,home/kitchen,4,,,maybe");
        CatalogFile.Contents c = CatalogFile.csv(new StringReader(file));
        assertEquals(List.of("p1", "p3"), c.products().stream().map(Product::productId).toList());
        Product p1 = c.products().get(0);
        assertEquals("Shoe, red", p1.name());
        assertEquals(99.99, p1.price());
        assertEquals("says \"hi\"", p1.description());
        assertNull(p1.imageUrl(), "an empty cell is no value");
        assertTrue(p1.inStock());
        assertFalse(c.products().get(1).inStock());
        assertEquals(3, c.rejected().size());
        assertTrue(c.rejected().get(0).reason().contains("price must be a number, got 'abc'"), c.rejected().toString());
        assertEquals(3L, c.rejected().get(0).line(), "the header is line 1");
        assertTrue(c.rejected().get(1).reason().contains("name is required"), c.rejected().toString());
        assertEquals(5L, c.rejected().get(1).line());
        assertTrue(c.rejected().get(2).reason().contains("in_stock must be true or false"), c.rejected().toString());
    }

    @Test
    void csvWithAnUnknownColumnIsRefusedAsAWhole() {
        IOException e = assertThrows(IOException.class, () -> CatalogFile.csv(new StringReader("product_id,title\np1,Shoe\n")));
        assertTrue(e.getMessage().contains("[title]"), e.getMessage());
    }

    @Test
    void theFormatFollowsTheExtension() {
        assertEquals(CatalogFile.Format.CSV, CatalogFile.Format.of(Path.of("/x/shop.CSV")));
        assertEquals(CatalogFile.Format.JSONL, CatalogFile.Format.of(Path.of("catalog.jsonl")));
    }
}
