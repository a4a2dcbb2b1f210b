package io.nowcast.rules;

import io.nowcast.db.Database;
import io.nowcast.db.Database.DatabaseException;
import io.nowcast.recommend.MerchandisingRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merchandiser rules in PostgreSQL ({@code merch_rules}), their source of truth. Every change
 * raises the rule set's version in the same transaction and returns the whole new rule set, so the
 * caller can cache exactly what it committed.
 */
public final class RuleStore {
    /** Longest product id or category a rule may name (the table checks it too). */
    public static final int MAX_TARGET = 200;

    private final Database db;

    public RuleStore(Database db) {
        this.db = db;
    }

    /** Adds a rule, or replaces the rule of the same kind and target (a pin moves). */
    public MerchandisingRules put(Rule.Kind kind, String target, Integer position, String note, String by) {
        check(kind, target, position);
        return change("saving a " + kind.sql() + " rule for " + target, c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO merch_rules (kind, target, position, note, created_by) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (kind, target) DO UPDATE SET position = EXCLUDED.position, note = EXCLUDED.note,
                        created_by = EXCLUDED.created_by, created_at = now()""")) {
                s.setString(1, kind.sql());
                s.setString(2, target);
                s.setObject(3, position);
                s.setString(4, note);
                s.setString(5, by);
                s.executeUpdate();
            }
            return true;
        });
    }

    /** Removes a rule; returns empty when there was none (nothing changes, not even the version). */
    public java.util.Optional<MerchandisingRules> remove(Rule.Kind kind, String target) {
        MerchandisingRules[] out = new MerchandisingRules[1];
        boolean[] removed = new boolean[1];
        out[0] = change("removing the " + kind.sql() + " rule for " + target, c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM merch_rules WHERE kind = ? AND target = ?")) {
                s.setString(1, kind.sql());
                s.setString(2, target);
                removed[0] = s.executeUpdate() > 0;
            }
            return removed[0];
        });
        return removed[0] ? java.util.Optional.of(out[0]) : java.util.Optional.empty();
    }

    /** Every rule, pins by position first, then blocks, each by target. */
    public List<Rule> list() {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT kind, target, position, note, created_by, created_at FROM merch_rules ORDER BY kind DESC, position, target");
             ResultSet r = s.executeQuery()) {
            List<Rule> out = new ArrayList<>();
            while (r.next()) {
                out.add(new Rule(Rule.Kind.of(r.getString(1)), r.getString(2), (Integer) r.getObject(3), r.getString(4),
                        r.getString(5), r.getTimestamp(6).toInstant()));
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("listing merchandiser rules: " + e.getMessage(), e);
        }
    }

    /** The rule set in force, with its version, read in one transaction. */
    public MerchandisingRules current() {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            MerchandisingRules rules = read(c);
            c.commit();
            return rules;
        } catch (SQLException e) {
            throw new DatabaseException("reading merchandiser rules: " + e.getMessage(), e);
        }
    }

    static void check(Rule.Kind kind, String target, Integer position) {
        if (target == null || target.isBlank() || target.length() > MAX_TARGET) {
            throw new IllegalArgumentException("a rule's target must be 1 to " + MAX_TARGET + " characters");
        }
        if (kind == Rule.Kind.PIN && (position == null || position < 1)) {
            throw new IllegalArgumentException("a pin needs a position of 1 or more");
        }
        if (kind != Rule.Kind.PIN && position != null) {
            throw new IllegalArgumentException("only a pin has a position");
        }
    }

    private interface Change {
        boolean apply(Connection c) throws SQLException;
    }

    /** Runs a change and, when it changed something, raises the version; returns the rule set after it. */
    private MerchandisingRules change(String what, Change change) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try {
                // The version row's lock orders concurrent changes, so versions and contents never cross.
                try (PreparedStatement s = c.prepareStatement("SELECT version FROM merch_rules_version FOR UPDATE")) {
                    s.executeQuery().close();
                }
                if (change.apply(c)) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE merch_rules_version SET version = version + 1")) {
                        s.executeUpdate();
                    }
                }
                MerchandisingRules rules = read(c);
                c.commit();
                return rules;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(what + ": " + e.getMessage(), e);
        }
    }

    private static MerchandisingRules read(Connection c) throws SQLException {
        long version;
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM merch_rules_version"); ResultSet r = s.executeQuery()) {
            r.next();
            version = r.getLong(1);
        }
        Map<String, Integer> pins = new HashMap<>();
        Set<String> products = new HashSet<>();
        Set<String> categories = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT kind, target, position FROM merch_rules"); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                switch (Rule.Kind.of(r.getString(1))) {
                    case PIN -> pins.put(r.getString(2), r.getInt(3));
                    case BLOCK_PRODUCT -> products.add(r.getString(2));
                    case BLOCK_CATEGORY -> categories.add(r.getString(2));
                }
            }
        }
        return new MerchandisingRules(version, pins, products, categories);
    }
}
