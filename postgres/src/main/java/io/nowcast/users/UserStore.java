package io.nowcast.users;

import io.nowcast.db.Database;
import io.nowcast.db.Database.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Dashboard accounts (migration V4). Stores hashes only; hashing and checking are the caller's. */
public final class UserStore {
    public enum Role { viewer, admin }

    /** One account; {@code passwordHash} never leaves the server. */
    public record Account(String username, String passwordHash, Role role, String createdBy, Instant createdAt) {}

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    /** Creates the account or replaces its hash and role. */
    public void put(String username, String passwordHash, Role role, String by) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO dashboard_users (username, password_hash, role, created_by) VALUES (?, ?, ?, ?)"
                     + " ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role")) {
            ps.setString(1, username);
            ps.setString(2, passwordHash);
            ps.setString(3, role.name());
            ps.setString(4, by);
            ps.executeUpdate();
        } catch (SQLException e) {
            if ("23514".equals(e.getSQLState())) {
                throw new IllegalArgumentException("a username is 1 to 64 of A-Z, a-z, 0-9, _ . @ -");
            }
            throw new DatabaseException("saving dashboard user " + username + ": " + e.getMessage(), e);
        }
    }

    public Optional<Account> find(String username) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT username, password_hash, role, created_by, created_at FROM dashboard_users WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? Optional.of(account(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("reading dashboard user " + username + ": " + e.getMessage(), e);
        }
    }

    public List<Account> list() {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT username, password_hash, role, created_by, created_at FROM dashboard_users ORDER BY username");
             ResultSet r = ps.executeQuery()) {
            List<Account> out = new ArrayList<>();
            while (r.next()) {
                out.add(account(r));
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("listing dashboard users: " + e.getMessage(), e);
        }
    }

    private static Account account(ResultSet r) throws SQLException {
        return new Account(r.getString(1), r.getString(2), Role.valueOf(r.getString(3)), r.getString(4), r.getTimestamp(5).toInstant());
    }
}
