package io.nowcast.cdc;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.nowcast.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.nowcast.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CDC process: Debezium's embedded engine on {@code product_catalog} (pgoutput), publishing the
 * product JSON to Kafka through {@link CatalogPublisher}. On start it migrates the schema, checks
 * {@code wal_level}, and creates its publication; Debezium creates the replication slot. It takes an
 * initial snapshot once, then streams; its offsets file makes a restart carry on where it stopped.
 */
public final class CatalogCdc implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogCdc.class);

    private final CdcConfig config;
    private final Producer<String, String> producer;
    private final DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    final CatalogPublisher publisher;

    private CatalogCdc(CdcConfig config) {
        this.config = config;
        this.producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", config.endpoints().kafkaBootstrap(),
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", StringSerializer.class.getName(),
                "acks", "all",
                "enable.idempotence", "true",
                "linger.ms", "5",
                "compression.type", "lz4",
                "client.id", "nowcast-cdc"));
        this.publisher = new CatalogPublisher(producer, () -> liveKeys(config.endpoints().kafkaBootstrap()));
        this.engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(config.debezium())
                .notifying(publisher)
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(error != null ? error : new IllegalStateException(message));
                        LOG.error("nowcast: cdc engine stopped: {}", message, error);
                    }
                    stopped.countDown();
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        LOG.info("nowcast: cdc started (slot {}, publication {}, offsets {})", config.slot(), config.publication(), config.offsets());
                    }
                })
                .build();
    }

    /** Reads product_catalog to its end: the keys whose latest record is not a tombstone. */
    static java.util.Set<String> liveKeys(String bootstrap) {
        java.util.Map<String, Boolean> live = new java.util.HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName(),
                "isolation.level", "read_committed",
                "client.id", "nowcast-cdc-reconcile"))) {
            java.util.List<TopicPartition> parts = c.partitionsFor(Topics.PRODUCT_CATALOG).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, String> r : c.poll(java.time.Duration.ofMillis(500))) {
                    if (r.key() != null) {
                        live.put(r.key(), r.value() != null);
                    }
                }
            }
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        live.forEach((k, v) -> {
            if (v) {
                keys.add(k);
            }
        });
        return keys;
    }

    /** Prepares PostgreSQL (schema, wal_level, publication) and starts streaming. */
    public static CatalogCdc start(CdcConfig config) throws IOException {
        Database db = Database.of(config.endpoints()).migrate();
        prepare(db, config);
        Files.createDirectories(config.offsets().toAbsolutePath().getParent());
        CatalogCdc cdc = new CatalogCdc(config);
        cdc.runner.execute(cdc.engine);
        return cdc;
    }

    /** Fails with what to do when PostgreSQL cannot stream changes; creates the publication where missing. */
    static void prepare(Database db, CdcConfig config) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            String walLevel;
            try (ResultSet r = s.executeQuery("SHOW wal_level")) {
                r.next();
                walLevel = r.getString(1);
            }
            if (!"logical".equals(walLevel)) {
                throw new NotReady(walLevelAdvice(db.url(), walLevel));
            }
            boolean exists;
            try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_publication WHERE pubname = '" + config.publication() + "'")) {
                exists = r.next();
            }
            if (!exists) {
                s.execute("CREATE PUBLICATION " + config.publication() + " FOR TABLE " + CdcConfig.TABLE);
                LOG.info("nowcast: cdc created publication {} for {}", config.publication(), CdcConfig.TABLE);
            }
        } catch (SQLException e) {
            throw new NotReady("preparing PostgreSQL at " + db.url() + " for CDC: " + e.getMessage());
        }
    }

    static String walLevelAdvice(String url, String walLevel) {
        return "PostgreSQL at " + url + " has wal_level=" + walLevel + "; catalog CDC needs wal_level=logical."
                + " Set it and restart PostgreSQL: psql -c 'ALTER SYSTEM SET wal_level = logical' then"
                + " pg_ctlcluster <version> main restart (or wal_level = logical in postgresql.conf;"
                + " in Docker: postgres -c wal_level=logical)";
    }

    /** Drops this installation's replication slot (and publication), which otherwise holds WAL forever once CDC stops for good. */
    public static boolean dropSlot(CdcConfig config) {
        Database db = Database.of(config.endpoints());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            boolean dropped;
            try (ResultSet r = s.executeQuery("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + config.slot() + "'")) {
                dropped = r.next();
            }
            s.execute("DROP PUBLICATION IF EXISTS " + config.publication());
            return dropped;
        } catch (SQLException e) {
            throw new NotReady("dropping slot " + config.slot() + " at " + db.url() + ": " + e.getMessage());
        }
    }

    /** Blocks until the engine stops; rethrows what stopped it. */
    public void await() throws InterruptedException {
        stopped.await();
        if (failure.get() != null) {
            throw new IllegalStateException("catalog CDC failed: " + failure.get().getMessage(), failure.get());
        }
    }

    @Override
    public void close() throws IOException {
        engine.close(); // flushes the offsets of what was acknowledged
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runner.shutdownNow();
        producer.close();
        LOG.info("nowcast: cdc stopped: {} upserts, {} deletes, {} rejected rows", publisher.upserts.get(), publisher.deletes.get(), publisher.rejected.get());
    }

    /** PostgreSQL is not ready for CDC; the message says what to change. */
    public static final class NotReady extends RuntimeException {
        public NotReady(String message) {
            super(message);
        }
    }
}
