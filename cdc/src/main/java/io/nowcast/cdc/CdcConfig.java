package io.nowcast.cdc;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The CDC process's settings: where PostgreSQL and Kafka are ({@link Endpoints}), and the names
 * Debezium works under. The slot and the publication are named by config so that two installations
 * can share a server; a slot that is no longer read holds WAL forever (README, "Catalog CDC").
 */
public record CdcConfig(Endpoints endpoints, String slot, String publication, Path offsets, int flushMillis) {
    public static final String SLOT = "NOWCAST_CDC_SLOT";
    public static final String PUBLICATION = "NOWCAST_CDC_PUBLICATION";
    public static final String OFFSETS = "NOWCAST_CDC_OFFSETS";
    public static final String FLUSH_MS = "NOWCAST_CDC_FLUSH_MS";

    /** The table CDC captures (migration V3). */
    public static final String TABLE = "public.product_catalog";

    public static CdcConfig from(Env env) {
        Endpoints endpoints = Endpoints.from(env);
        String dataDir = env.string("NOWCAST_DATA_DIR", ".nowcast");
        String slot = env.string(SLOT, "nowcast_catalog");
        String publication = env.string(PUBLICATION, "nowcast_catalog");
        for (String[] name : new String[][] {{SLOT, slot}, {PUBLICATION, publication}}) {
            if (!name[1].matches("[a-z0-9_]{1,63}")) {
                throw new Env.ConfigException(name[0] + "=" + name[1] + " must be 1 to 63 of a-z, 0-9 and _ (a PostgreSQL replication name)");
            }
        }
        CdcConfig c = new CdcConfig(endpoints, slot, publication,
                Path.of(env.string(OFFSETS, Path.of(dataDir, "cdc", "offsets.dat").toString())),
                env.integer(FLUSH_MS, 1_000, 10, 60_000));
        env.check();
        return c;
    }

    /** Debezium's connector and engine properties. */
    public Properties debezium() {
        URI uri = URI.create(endpoints.postgresUrl().substring("jdbc:".length()));
        String database = uri.getPath().substring(1);
        Properties p = new Properties();
        p.setProperty("name", "nowcast-catalog-" + slot);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", offsets.toAbsolutePath().toString());
        p.setProperty("offset.flush.interval.ms", Integer.toString(flushMillis));
        p.setProperty("database.hostname", uri.getHost());
        p.setProperty("database.port", Integer.toString(uri.getPort() < 0 ? 5432 : uri.getPort()));
        p.setProperty("database.user", endpoints.postgresUser());
        p.setProperty("database.password", endpoints.postgresPassword());
        p.setProperty("database.dbname", database);
        p.setProperty("topic.prefix", "nowcast");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        // We create the publication for the one table ourselves; Debezium's default covers all tables and needs a superuser.
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", TABLE);
        p.setProperty("snapshot.mode", "initial");
        // numeric arrives as a string we turn into a JSON number, not as base64 bytes.
        p.setProperty("decimal.handling.mode", "string");
        // A delete becomes our own tombstone; Debezium's extra one would be a second.
        p.setProperty("tombstones.on.delete", "false");
        // Low latency: do not wait half a second for an empty queue to fill.
        p.setProperty("poll.interval.ms", "50");
        p.setProperty("max.batch.size", "4096");
        p.setProperty("max.queue.size", "16384");
        return p;
    }
}
