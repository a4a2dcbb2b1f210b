package io.nowcast.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.db.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog table on the real PostgreSQL: what a load inserts, updates, leaves alone and deletes. */
class CatalogTableIT {
    private static Product p(String id, String category, double price, boolean inStock) {
        return new Product(id, "Name " + id, category, price, null, "https://img/" + id, inStock);
    }

    @Test
    void aLoadCountsInsertsUpdatesUnchangedAndDeletesAndAReloadChangesNothing() throws Exception {
        try (TestDatabase t = TestDatabase.create("catalogtable")) {
            CatalogTable table = new CatalogTable(t.database());
            CatalogTable.Outcome first = table.write(List.of(p("a", "x/y", 1.5, true), p("b", "x/y", 2, true), p("c", "x/z", 3, true)), List.of());
            assertEquals(new CatalogTable.Outcome(3, 0, 0, 0), first);
            assertEquals(3, table.count());
            assertEquals(new CatalogTable.Outcome(0, 0, 3, 0), table.write(List.of(p("a", "x/y", 1.5, true), p("b", "x/y", 2, true), p("c", "x/z", 3, true)), List.of()),
                    "the same file again changes no row");
            Timestamp before = updatedAt(t, "b");
            Thread.sleep(20);
            // b changes price, a is given twice (the last wins and equals what is there), d is new, c is deleted.
            CatalogTable.Outcome second = table.write(List.of(p("a", "x/q", 9, true), p("b", "x/y", 2.25, false), p("a", "x/y", 1.5, true), p("d", "x/y", 4, true)),
                    List.of("c", "missing"));
            assertEquals(new CatalogTable.Outcome(1, 1, 1, 1), second);
            assertTrue(updatedAt(t, "b").after(before), "updated_at follows the change");
            var rows = table.all();
            assertEquals(List.of("a", "b", "d"), List.copyOf(rows.keySet()));
            assertEquals(2.25, rows.get("b").price());
            assertFalse(rows.get("b").inStock());
            assertEquals("x/y", rows.get("a").category());
        }
    }

    private static Timestamp updatedAt(TestDatabase t, String id) throws Exception {
        try (Connection c = t.database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT updated_at FROM product_catalog WHERE product_id = '" + id + "'")) {
            r.next();
            return r.getTimestamp(1);
        }
    }
}
