package io.nowcast.db;

import io.nowcast.config.Endpoints;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Nowcast's PostgreSQL database: connections, and the schema, which Flyway migrates from
 * {@code db/migration} in this module. Every process that uses the database migrates on start; Flyway
 * takes a lock, so concurrent starts are safe.
 */
public final class Database {
    private final PGSimpleDataSource source;
    private final String url;

    public Database(String url, String user, String password) {
        this.url = url;
        source = new PGSimpleDataSource();
        source.setURL(url);
        source.setUser(user);
        if (password != null && !password.isEmpty()) {
            source.setPassword(password);
        }
        source.setConnectTimeout(5);
        source.setApplicationName("nowcast");
    }

    public static Database of(Endpoints endpoints) {
        return new Database(endpoints.postgresUrl(), endpoints.postgresUser(), endpoints.postgresPassword());
    }

    public String url() {
        return url;
    }

    public Connection connect() {
        try {
            return source.getConnection();
        } catch (SQLException e) {
            throw new DatabaseException("connecting to PostgreSQL at " + url + ": " + e.getMessage(), e);
        }
    }

    /** Creates the database, then brings the schema up to date; returns this for chaining. */
    public Database migrate() {
        ensureExists();
        try {
            Flyway.configure().dataSource(source).locations("classpath:db/migration").load().migrate();
            return this;
        } catch (RuntimeException e) {
            throw new DatabaseException("migrating the schema of " + url + ": " + e.getMessage(), e);
        }
    }

    /** Creates the database named in the URL when the server says it does not exist (a fresh install). */
    void ensureExists() {
        try (Connection c = source.getConnection()) {
            return;
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) {
                throw new DatabaseException("connecting to PostgreSQL at " + url + ": " + e.getMessage(), e);
            }
        }
        String name = source.getDatabaseName();
        if (name == null || !name.matches("[A-Za-z0-9_]+")) {
            throw new DatabaseException("the database in " + url + " does not exist, and its name is not one to create automatically", null);
        }
        PGSimpleDataSource maintenance = new PGSimpleDataSource();
        maintenance.setURL(url);
        maintenance.setDatabaseName("postgres");
        maintenance.setUser(source.getUser());
        maintenance.setPassword(source.getPassword());
        try (Connection c = maintenance.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
            org.slf4j.LoggerFactory.getLogger(Database.class).info("created database {}", name);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) {
                throw new DatabaseException("creating database " + name + " at " + url + ": " + e.getMessage(), e);
            }
        }
    }

    /** A database failure, with what was being done. */
    public static final class DatabaseException extends RuntimeException {
        public DatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
