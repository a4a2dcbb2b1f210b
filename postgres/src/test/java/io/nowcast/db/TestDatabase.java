package io.nowcast.db;

import io.nowcast.config.Endpoints;
import io.nowcast.testing.TestServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database on the real PostgreSQL for one test class, migrated, and dropped afterwards.
 * Separate databases keep tests apart from each other and from a running stack; advisory locks are
 * per database too. PostgreSQL that cannot be reached fails the test with a hint.
 */
public final class TestDatabase implements AutoCloseable {
    private final Endpoints server;
    private final String name;
    private final Database database;

    private TestDatabase(Endpoints server, String name) {
        this.server = server;
        this.name = name;
        this.database = new Database(urlFor(server.postgresUrl(), name), server.postgresUser(), server.postgresPassword());
    }

    public static TestDatabase create(String test) {
        Endpoints e = TestServers.endpoints();
        URI uri = URI.create(e.postgresUrl().substring("jdbc:".length()));
        TestServers.require("PostgreSQL", uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                "start PostgreSQL (bash .ci/run does) or set NOWCAST_PG_URL");
        String name = "nowcast_it_" + test.toLowerCase().replaceAll("[^a-z0-9]", "") + "_" + UUID.randomUUID().toString().substring(0, 8);
        admin(e, "CREATE DATABASE " + name);
        TestDatabase t = new TestDatabase(e, name);
        t.database.migrate();
        return t;
    }

    public Database database() {
        return database;
    }

    /** The endpoints, with the PostgreSQL URL pointing at this database. */
    public Endpoints endpoints() {
        return new Endpoints(server.kafkaBootstrap(), server.redisHost(), server.redisPort(), server.redisPrefix(),
                database.url(), server.postgresUser(), server.postgresPassword());
    }

    @Override
    public void close() {
        admin(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    static String urlFor(String url, String database) {
        int q = url.indexOf('?');
        String base = q < 0 ? url : url.substring(0, q);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + (q < 0 ? "" : url.substring(q));
    }

    private static void admin(Endpoints e, String sql) {
        try (Connection c = DriverManager.getConnection(urlFor(e.postgresUrl(), "postgres"), e.postgresUser(), e.postgresPassword());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException ex) {
            throw new AssertionError("PostgreSQL at " + e.postgresUrl() + ": " + sql + ": " + ex.getMessage(), ex);
        }
    }
}
