package io.nowcast.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.catalog.CatalogTable;
import io.nowcast.catalog.Product;
import io.nowcast.config.Endpoints;
import io.nowcast.db.TestDatabase;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import io.nowcast.testing.JobProcess;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Catalog CDC end to end, all real: rows written to PostgreSQL go through the CDC process (Debezium,
 * pgoutput, its own process) into Kafka and through the speed layer (its own process) into Redis and
 * the recommendation keys. The CDC process is killed with kill -9 during its initial snapshot and in
 * mid-stream; after each restart Redis holds exactly the table.
 */
class CatalogCdcIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Logs and offsets stay in target/ for a look after a failure. */
    private static Path tmp;

    private static String prefix;
    private static RedisKeys keys;
    private static JobProcess speed;
    private static RedisClient redis;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startTheSpeedLayer() throws Exception {
        tmp = java.nio.file.Files.createDirectories(Path.of("target", "catalog-cdc-it", Long.toString(System.currentTimeMillis())));
        prefix = TestServers.uniquePrefix("cdc");
        keys = new RedisKeys(prefix);
        redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort());
        Map<String, String> env = baseEnv(TestServers.endpoints());
        env.put("NOWCAST_DATA_DIR", tmp.resolve("speed").toString());
        env.put("NOWCAST_SPEED_STARTING_OFFSETS", "latest");
        env.put("NOWCAST_MASTER_DATASET", "off");
        Path log = tmp.resolve("speed.log");
        speed = JobProcess.startInModule("speed-layer", "io.nowcast.speed.SpeedLayerJob", env, log);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestServers.kafka(),
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()));
        Await.until(() -> speed.alive() && Await.log(log).contains("nowcast: speed layer started"), 120, "speed layer start; log " + log);
    }

    @AfterAll
    static void stop() throws Exception {
        if (speed != null) {
            speed.kill();
        }
        if (producer != null) {
            producer.close();
        }
        if (redis != null) {
            TestServers.deleteKeys(redis, prefix); // the speed layer is stopped: nothing writes them again
            redis.close();
        }
    }

    private static Map<String, String> baseEnv(Endpoints e) {
        return new HashMap<>(e.withRedisPrefix(prefix).env());
    }

    /** The CDC process's environment: its own slot, publication and offsets for this test. */
    private static Map<String, String> cdcEnv(TestDatabase db, String name) {
        Map<String, String> env = baseEnv(db.endpoints());
        env.put("NOWCAST_CDC_SLOT", name);
        env.put("NOWCAST_CDC_PUBLICATION", name);
        env.put("NOWCAST_CDC_OFFSETS", tmp.resolve(name + ".offsets").toString());
        env.put("NOWCAST_CDC_FLUSH_MS", "500");
        return env;
    }

    private static JobProcess startCdc(Map<String, String> env, Path log) {
        return JobProcess.startInModule("cdc", "io.nowcast.cdc.CatalogMain", env, log, "cdc");
    }

    private static void dropSlot(Map<String, String> env, String name) throws Exception {
        JobProcess drop = JobProcess.startInModule("cdc", "io.nowcast.cdc.CatalogMain", env, tmp.resolve(name + "-drop.log"), "drop-slot");
        assertEquals(0, drop.waitFor(60), Await.log(tmp.resolve(name + "-drop.log")));
        assertTrue(Await.log(tmp.resolve(name + "-drop.log")).contains("dropped replication slot " + name), Await.log(tmp.resolve(name + "-drop.log")));
    }

    /** Cleans up after a failure without hiding it: a left-over slot would keep the test database from being dropped. */
    private static void dropSlotQuietly(TestDatabase db, String name) throws Exception {
        try (Connection c = db.database().connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + name + "'");
        }
    }

    private static boolean slotExists(TestDatabase db, String name) throws Exception {
        try (Connection c = db.database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + name + "'")) {
            return r.next();
        }
    }

    @Test
    void insertsUpdatesAndDeletesReachRedisAndTheRecommendationsAndBadRowsAreReported() throws Exception {
        String run = "cf" + UUID.randomUUID().toString().substring(0, 6);
        String shoes = run + "/shoes";
        String toys = run + "/toys";
        String name = "it_" + run;
        try (TestDatabase db = TestDatabase.create("cdcflow")) {
            CatalogTable table = new CatalogTable(db.database());
            table.execute(List.of(
                    "INSERT INTO product_catalog (product_id, name, category, price, description, image_url) VALUES"
                            + " ('" + run + "_1', 'Shoe 1', '" + shoes + "', 10, 'first', 'https://img/1'),"
                            + " ('" + run + "_2', 'Shoe 2', '" + shoes + "', 20, NULL, NULL),"
                            + " ('" + run + "_3', 'Shoe 3', '" + shoes + "', 30, NULL, NULL),"
                            + " ('" + run + "_4', 'Shoe 4', '" + shoes + "', 40, NULL, NULL)"));
            Map<String, String> env = cdcEnv(db, name);
            Path log = tmp.resolve(name + ".log");
            JobProcess cdc = startCdc(env, log);
            try {
                // The initial snapshot reaches Redis: details, the category index, the product set. Products
                // are keyed to several partitions, each applied by its own task, so any of them may land last.
                Await.until(() -> redis.exists(keys.product(run + "_1"), keys.product(run + "_2"), keys.product(run + "_3"),
                        keys.product(run + "_4")) == 4, 90, "the snapshot in Redis; cdc log " + log);
                assertEquals(Map.of("product_id", run + "_1", "name", "Shoe 1", "category", shoes, "price", "10.0",
                        "description", "first", "image_url", "https://img/1", "in_stock", "true"), redis.hgetAll(keys.product(run + "_1")));
                assertEquals(4, redis.zcard(keys.category(shoes)));

                // User 1 views shoe 1; others make 2 > 3 > 4 popular: user 1 is offered 2, 3 and 4.
                String now = Instant.now().toString();
                view(1, run + "_1", now);
                for (int u = 2; u <= 4; u++) {
                    view(u, run + "_2", now);
                }
                view(5, run + "_3", now);
                view(6, run + "_3", now);
                view(7, run + "_4", now);
                producer.flush();
                Await.until(() -> recommended(1).containsAll(List.of(run + "_2", run + "_3", run + "_4")), 60, "user 1's recommendations");

                // Price, category and stock changes, and a delete.
                table.execute(List.of("UPDATE product_catalog SET price = 12.5 WHERE product_id = '" + run + "_3'"));
                table.execute(List.of("UPDATE product_catalog SET category = '" + toys + "' WHERE product_id = '" + run + "_4'"));
                table.execute(List.of("UPDATE product_catalog SET in_stock = false WHERE product_id = '" + run + "_2'"));
                Await.until(() -> "12.5".equals(redis.hget(keys.product(run + "_3"), "price"))
                        && toys.equals(redis.hget(keys.product(run + "_4"), "category"))
                        && "false".equals(redis.hget(keys.product(run + "_2"), "in_stock")), 30, "updates in Redis");
                assertNull(redis.zscore(keys.category(shoes), run + "_4"), "moved out of its old category");
                assertTrue(redis.zscore(keys.category(toys), run + "_4") != null, "into the new one");
                Await.until(() -> !recommended(1).contains(run + "_2"), 30, "the out-of-stock product leaving user 1's list " + recommended(1));

                table.execute(List.of("DELETE FROM product_catalog WHERE product_id = '" + run + "_3'"));
                Await.until(() -> !redis.exists(keys.product(run + "_3")), 30, "the delete in Redis");
                assertNull(redis.zscore(keys.category(shoes), run + "_3"));
                assertFalse(redis.sismember(keys.products(), run + "_3"));
                Await.until(() -> !recommended(1).contains(run + "_3"), 30, "the deleted product leaving user 1's list " + recommended(1));

                // After the category change, a view of shoe 4 counts toward toys.
                view(8, run + "_4", Instant.now().toString());
                producer.flush();
                Await.until(() -> redis.hget(keys.interest(8), toys) != null, 30, "user 8's interest in the new category");
                assertEquals("1", redis.hget(keys.interest(8), toys));
                assertNull(redis.hget(keys.interest(8), shoes));

                // Bad rows are reported on the catalog DLQ with their reason; the stream goes on.
                table.execute(List.of(
                        "INSERT INTO product_catalog (product_id, name, category, price) VALUES ('" + run + "_bad1', 'No category', NULL, 5)",
                        "INSERT INTO product_catalog (product_id, name, category, price) VALUES ('" + run + "_bad2', 'Negative', '" + shoes + "', -1)",
                        "INSERT INTO product_catalog (product_id, name, category, price) VALUES ('" + run + "_bad3', repeat('x', 5000), '" + shoes + "', 1)",
                        "UPDATE product_catalog SET category = NULL WHERE product_id = '" + run + "_1'"));
                table.execute(List.of("INSERT INTO product_catalog (product_id, name, category, price) VALUES ('" + run + "_5', 'Shoe 5', '" + shoes + "', 50)"));
                Await.until(() -> redis.exists(keys.product(run + "_5")), 30, "a good row after the bad ones");
                Map<String, String> reasons = dlqReasons(run);
                assertEquals(4, reasons.size(), reasons.toString());
                assertTrue(reasons.get(run + "_bad1").contains("category is required"), reasons.toString());
                assertTrue(reasons.get(run + "_bad2").contains("price must not be negative"), reasons.toString());
                assertTrue(reasons.get(run + "_bad3").contains("name is longer than 1000"), reasons.toString());
                assertTrue(reasons.get(run + "_1").contains("category is required"), reasons.toString());
                assertFalse(redis.exists(keys.product(run + "_bad1")));
                assertEquals(shoes, redis.hget(keys.product(run + "_1"), "category"), "a row turned bad keeps its last good version");
                assertTrue(Await.log(log).contains("nowcast: cdc rejected a catalog row"), "reported in the log too");

                // Retiring CDC: stop it, then drop-slot frees the slot that would otherwise hold WAL.
                cdc.kill();
                dropSlot(env, name);
                assertFalse(slotExists(db, name), "the slot is gone");
            } finally {
                cdc.kill();
                dropSlotQuietly(db, name);
            }
        }
    }

    @Test
    void killedDuringTheSnapshotAndInMidStreamItLosesNothingAndDoesNotSnapshotAgain() throws Exception {
        String run = "ck" + UUID.randomUUID().toString().substring(0, 6);
        String name = "it_" + run;
        int rows = 100_000;
        try (TestDatabase db = TestDatabase.create("cdckill")) {
            CatalogTable table = new CatalogTable(db.database());
            table.execute(List.of("INSERT INTO product_catalog (product_id, name, category, price, in_stock)"
                    + " SELECT '" + run + "_' || lpad(i::text, 6, '0'), 'Product ' || i, '" + run + "/c' || (i % 20), (i % 1000) / 10.0, i % 7 <> 0"
                    + " FROM generate_series(1, " + rows + ") i"));
            Map<String, String> env = cdcEnv(db, name);
            JobProcess cdc = null;
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                // 1. kill -9 during the initial snapshot.
                Path log1 = tmp.resolve(name + "-1.log");
                cdc = startCdc(env, log1);
                Await.until(() -> Await.log(log1).contains("nowcast: cdc snapshot: 10000 rows so far"), 120, "the snapshot under way; log " + log1);
                cdc.kill();
                assertFalse(Await.log(log1).contains("cdc snapshot done"), "killed before the snapshot finished");

                // Changes while it is down.
                table.execute(List.of(
                        "UPDATE product_catalog SET price = price + 1 WHERE product_id LIKE '" + run + "_0001%'",
                        "DELETE FROM product_catalog WHERE product_id LIKE '" + run + "_0002%'",
                        "INSERT INTO product_catalog (product_id, name, category, price) SELECT '" + run + "_new' || i, 'New ' || i, '" + run + "/new', 1 FROM generate_series(1, 50) i"));

                Path log2 = tmp.resolve(name + "-2.log");
                cdc = startCdc(env, log2);
                Await.until(() -> Await.log(log2).contains("cdc snapshot done"), 180, "the snapshot taken again; log " + log2);
                assertRedisHoldsTheTable(table, run, "after a kill during the snapshot");

                // 2. kill -9 in mid-stream, while a writer keeps changing rows; more changes while it is down.
                AtomicInteger transactions = new AtomicInteger();
                Thread writer = new Thread(() -> {
                    Random random = new Random(42);
                    while (writing.get()) {
                        int i = 1 + random.nextInt(rows);
                        String id = run + "_" + String.format("%06d", i);
                        String sql = switch (random.nextInt(4)) {
                            case 0 -> "UPDATE product_catalog SET price = " + random.nextInt(10_000) / 100.0 + " WHERE product_id = '" + id + "'";
                            case 1 -> "UPDATE product_catalog SET in_stock = NOT in_stock, category = '" + run + "/c" + random.nextInt(20) + "' WHERE product_id = '" + id + "'";
                            case 2 -> "DELETE FROM product_catalog WHERE product_id = '" + id + "'";
                            default -> "INSERT INTO product_catalog (product_id, name, category, price) VALUES ('" + id + "', 'Back " + i + "', '"
                                    + run + "/back', 2) ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name";
                        };
                        table.execute(List.of(sql));
                        transactions.incrementAndGet();
                    }
                }, "catalog-writer");
                writer.start();
                Thread.sleep(3_000);
                cdc.kill();
                int atKill = transactions.get();
                Thread.sleep(2_000);
                Path log3 = tmp.resolve(name + "-3.log");
                cdc = startCdc(env, log3);
                Await.until(() -> Await.log(log3).contains("nowcast: cdc started"), 90, "the restart; log " + log3);
                Thread.sleep(2_000);
                writing.set(false);
                writer.join();
                assertTrue(atKill > 10 && transactions.get() > atKill, "changes before, during and after the kill: " + atKill + ", " + transactions.get());
                assertRedisHoldsTheTable(table, run, "after a kill in mid-stream (" + transactions.get() + " transactions)");
                assertFalse(Await.log(log3).contains("cdc snapshot"), "a restart with offsets streams on without a new snapshot");
            } finally {
                writing.set(false);
                if (cdc != null) {
                    cdc.kill();
                }
                dropSlotQuietly(db, name);
            }
        }
    }

    /** Waits until Redis's catalog for this run equals the table row by row (products set, details, category index). */
    private static void assertRedisHoldsTheTable(CatalogTable table, String run, String when) throws Exception {
        Map<String, Product> expected = table.all();
        String[] diff = {""};
        try {
            Await.until(() -> {
                diff[0] = difference(expected, run);
                return diff[0].isEmpty();
            }, 120, "Redis to hold the table " + when);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + diff[0], e);
        }
    }

    private static String difference(Map<String, Product> expected, String run) {
        // A set, not a list: this runs every 100 ms over 100,000 ids, and a linear contains() per id
        // made one poll take minutes, so the wait timed out on a stale snapshot of Redis.
        Set<String> inRedis = redis.smembers(keys.products()).stream().filter(id -> id.startsWith(run + "_")).collect(Collectors.toSet());
        if (!inRedis.equals(expected.keySet())) {
            List<String> extra = inRedis.stream().filter(id -> !expected.containsKey(id)).sorted().limit(5).toList();
            List<String> missing = expected.keySet().stream().filter(id -> !inRedis.contains(id)).limit(5).toList();
            return "products: " + inRedis.size() + " in Redis, " + expected.size() + " in the table; extra " + extra + ", missing " + missing;
        }
        Map<String, Response<Map<String, String>>> details = new TreeMap<>();
        Map<String, Response<Double>> indexed = new TreeMap<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (Product row : expected.values()) {
                details.put(row.productId(), p.hgetAll(keys.product(row.productId())));
                indexed.put(row.productId(), p.zscore(keys.category(row.category()), row.productId()));
            }
            p.sync();
        }
        for (Product row : expected.values()) {
            Map<String, String> want = Map.of("product_id", row.productId(), "name", row.name(), "category", row.category(),
                    "price", Double.toString(row.price()), "description", row.description() == null ? "" : row.description(),
                    "image_url", row.imageUrl() == null ? "" : row.imageUrl(), "in_stock", Boolean.toString(row.inStock()));
            if (!want.equals(details.get(row.productId()).get())) {
                return row.productId() + ": Redis " + details.get(row.productId()).get() + ", table " + want;
            }
            if (indexed.get(row.productId()).get() == null) {
                return row.productId() + " is not in the index of " + row.category();
            }
        }
        return "";
    }

    private static void view(long user, String product, String at) {
        producer.send(new ProducerRecord<>(Topics.USER_ACTIVITY, Long.toString(user),
                "{\"event_type\":\"page_view\",\"user_id\":" + user + ",\"product_id\":\"" + product + "\",\"timestamp\":\"" + at + "\"}"));
    }

    private static List<String> recommended(long user) throws Exception {
        String json = redis.get(keys.recommendations(user));
        if (json == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        JsonNode j = MAPPER.readTree(json);
        j.get("recommended_products").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** product id → reason of each record this run's rows left on the catalog DLQ. */
    private static Map<String, String> dlqReasons(String run) {
        Map<String, String> out = new TreeMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", TestServers.kafka(),
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            TopicPartition tp = new TopicPartition(Topics.PRODUCT_CATALOG_DLQ, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofSeconds(1))) {
                    if (r.key() != null && r.key().startsWith(run + "_")) {
                        out.put(r.key(), new String(r.headers().lastHeader(Topics.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return out;
    }
}
