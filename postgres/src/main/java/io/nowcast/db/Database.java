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

    /** Brings the schema up to date; returns this for chaining. */
    public Database migrate() {
        try {
            Flyway.configure().dataSource(source).locations("classpath:db/migration").load().migrate();
            return this;
        } catch (RuntimeException e) {
            throw new DatabaseException("migrating the schema of " + url + ": " + e.getMessage(), e);
        }
    }

    /** A database failure, with what was being done. */
    public static final class DatabaseException extends RuntimeException {
        public DatabaseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
