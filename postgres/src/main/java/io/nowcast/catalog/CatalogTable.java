package io.nowcast.catalog;

import io.nowcast.db.Database;
import io.nowcast.db.Database.DatabaseException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code product_catalog} table (migration V3), which CDC streams to Kafka. Writes go in one
 * transaction per call, so CDC sees a load as one burst. An upsert leaves a row that would not change
 * untouched: reloading the same file makes no changes, so no change events either.
 */
public final class CatalogTable {
    private static final int BATCH = 5_000;

    private final Database db;

    public CatalogTable(Database db) {
        this.db = db;
    }

    /** What one write did. {@code unchanged} rows already held the same values. */
    public record Outcome(int inserted, int updated, int unchanged, int deleted) {}

    /**
     * Upserts the products and deletes the ids, in one transaction. A product id given twice keeps its
     * last value (as a file read top to bottom would).
     */
    public Outcome write(Collection<Product> products, Collection<String> deletes) {
        Map<String, Product> last = new LinkedHashMap<>();
        products.forEach(p -> last.put(p.productId(), p));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE catalog_load (LIKE product_catalog INCLUDING DEFAULTS) ON COMMIT DROP");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO catalog_load"
                    + " (product_id, name, category, price, description, image_url, in_stock) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int n = 0;
                for (Product p : last.values()) {
                    ps.setString(1, p.productId());
                    ps.setString(2, p.name());
                    ps.setString(3, p.category());
                    ps.setBigDecimal(4, BigDecimal.valueOf(p.price()));
                    setText(ps, 5, p.description());
                    setText(ps, 6, p.imageUrl());
                    ps.setBoolean(7, p.inStock());
                    ps.addBatch();
                    if (++n % BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            int inserted = 0;
            int updated = 0;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("WITH up AS ("
                         + " INSERT INTO product_catalog AS t (product_id, name, category, price, description, image_url, in_stock)"
                         + " SELECT product_id, name, category, price, description, image_url, in_stock FROM catalog_load"
                         + " ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,"
                         + " price = EXCLUDED.price, description = EXCLUDED.description, image_url = EXCLUDED.image_url,"
                         + " in_stock = EXCLUDED.in_stock"
                         + " WHERE (t.name, t.category, t.price, t.description, t.image_url, t.in_stock)"
                         + " IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.category, EXCLUDED.price, EXCLUDED.description, EXCLUDED.image_url, EXCLUDED.in_stock)"
                         + " RETURNING (xmax = 0) AS inserted)"
                         + " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up")) {
                r.next();
                inserted = r.getInt(1);
                updated = r.getInt(2);
            }
            int deleted = 0;
            if (!deletes.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM product_catalog WHERE product_id = ANY (?)")) {
                    ps.setArray(1, c.createArrayOf("text", deletes.toArray()));
                    deleted = ps.executeUpdate();
                }
            }
            c.commit();
            return new Outcome(inserted, updated, last.size() - inserted - updated, deleted);
        } catch (SQLException e) {
            throw new DatabaseException("writing the product catalog to " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** How many rows the table holds. */
    public long count() {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM product_catalog")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new DatabaseException("counting the product catalog at " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** Every row, by product id (for checks and tests; a shop's catalog fits in memory here). */
    public Map<String, Product> all() {
        Map<String, Product> rows = new LinkedHashMap<>();
        try (Connection c = db.connect();
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT product_id, name, category, price, description, image_url, in_stock"
                     + " FROM product_catalog ORDER BY product_id")) {
            while (r.next()) {
                BigDecimal price = r.getBigDecimal(4);
                rows.put(r.getString(1), new Product(r.getString(1), r.getString(2), r.getString(3),
                        price == null ? Double.NaN : price.doubleValue(), r.getString(5), r.getString(6), r.getBoolean(7)));
            }
            return rows;
        } catch (SQLException e) {
            throw new DatabaseException("reading the product catalog from " + db.url() + ": " + e.getMessage(), e);
        }
    }

    /** Runs statements in one transaction: for tests and benchmarks that change rows the way a shop would. */
    public void execute(List<String> statements) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new DatabaseException("changing the product catalog at " + db.url() + ": " + e.getMessage(), e);
        }
    }

    private static void setText(PreparedStatement ps, int i, String v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v);
        }
    }
}
