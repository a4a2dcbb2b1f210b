package io.nowcast.batch;

import static io.nowcast.testing.Events.purchase;
import static io.nowcast.testing.Events.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.copurchase.LogLikelihood;
import io.nowcast.events.Event;
import io.nowcast.recommend.BatchView;
import io.nowcast.recommend.CfItem;
import io.nowcast.recommend.Neighbour;
import io.nowcast.runs.BatchRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Master dataset → job → Redis, against real Redis and PostgreSQL, with answers worked out by hand. */
class BatchLayerIT {
    private static final Instant DAY = Instant.parse("2024-07-27T10:00:00Z");
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = BatchFixture.spark();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Baskets: o1..o3 {p1,p2} ×2 and {p1,p2,p3}; o4, o5 {p3,p4}; user 9's two purchases without an order on one
     * day {p1,p5}; o6 {p1, px} where px is not in the catalog. Out of the look-back: o7 {p4,p5} in January.
     * So 7 baskets; p1 in 5, p2 in 3, p3 in 3, p4 in 2, p5 in 1; pairs with support ≥ 2: p1–p2 (3) and p3–p4 (2).
     */
    static List<Event> history() {
        List<Event> e = new ArrayList<>();
        e.addAll(order(1, "o1", DAY, "p1", "p2"));
        e.addAll(order(2, "o2", DAY.minusSeconds(86_400), "p1", "p2"));
        e.addAll(order(3, "o3", DAY.minusSeconds(5 * 86_400), "p1", "p2", "p3"));
        e.addAll(order(4, "o4", DAY, "p3", "p4"));
        e.addAll(order(5, "o5", DAY, "p3", "p4"));
        e.add(purchase(9, "p1", null, DAY));
        e.add(purchase(9, "p5", null, DAY.plusSeconds(3600)));
        e.addAll(order(6, "o6", DAY, "p1", "px"));
        e.addAll(order(7, "o7", Instant.parse("2024-01-10T10:00:00Z"), "p4", "p5"));
        e.add(view(9, "p3", DAY));
        return e;
    }

    static List<Event> order(long user, String orderId, Instant at, String... products) {
        List<Event> out = new ArrayList<>();
        for (String p : products) {
            out.add(purchase(user, p, orderId, at));
        }
        return out;
    }

    @Test
    void publishesNeighboursAndUserListsAsWorkedOutByHand() {
        try (BatchFixture fx = new BatchFixture("batchlayer")) {
            fx.catalog("p1", "p2", "p3", "p4", "p5");
            for (String p : List.of("p1", "p2", "p3", "p4", "p5")) {
                fx.redis.hset(fx.keys.product(p), Map.of("category", "c", "in_stock", "true"));
            }
            fx.append(spark, history());
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            BatchRunner.Outcome out = runner.run("test");
            assertTrue(out.succeeded(), out.error());

            BatchView view = new BatchView(fx.redis, fx.keys);
            String v = view.currentVersion().orElseThrow();
            assertEquals(out.version(), v);
            double llr12 = LogLikelihood.ratio(3, 5 - 3, 3 - 3, 7 - 5 - 3 + 3);
            double llr34 = LogLikelihood.ratio(2, 3 - 2, 2 - 2, 7 - 3 - 2 + 2);
            assertNeighbours(List.of(new Neighbour("p2", llr12, 3, 3.0 * 7 / (5 * 3))), view.neighbours(v, "p1"));
            assertNeighbours(List.of(new Neighbour("p1", llr12, 3, 3.0 * 7 / (5 * 3))), view.neighbours(v, "p2"));
            assertNeighbours(List.of(new Neighbour("p4", llr34, 2, 2.0 * 7 / (3 * 2))), view.neighbours(v, "p3"));
            assertEquals(List.of(), view.neighbours(v, "p5"), "p1–p5 share one basket, below the minimum support of 2");

            assertEquals(List.of(new CfItem("p2", round(llr12), "p1", 3)), view.cf(v, 9));
            assertEquals(List.of(new CfItem("p2", round(llr12), "p1", 3)), view.cf(v, 6));
            assertEquals(List.of(new CfItem("p4", round(llr34), "p3", 2)), view.cf(v, 3));
            assertEquals(List.of(), view.cf(v, 1), "user 1 bought both ends of the only pair: nothing left to suggest");

            BatchRun run = runner.runLog().get(out.runId()).orElseThrow();
            assertEquals(BatchRun.Status.SUCCEEDED, run.status());
            assertEquals(new BatchRun.Stats(15L, 1L, 7L, 5L, 2L, 3L), run.stats());
            assertEquals(v, run.version());
            assertEquals(java.time.LocalDate.of(2024, 7, 27), run.asOf());
            assertTrue(run.warnings().contains("1 purchases of products not in the catalog were left out (e.g. [px])"), run.warnings());
            assertEquals(Map.of("run_id", Long.toString(out.runId()), "as_of", "2024-07-27", "lookback_days", "90",
                    "baskets", "7", "pairs", "2", "users", "3", "remerged_users", "3"), withoutPublishedAt(view.meta(v)));
            assertEquals(Set.of(), fx.redis.smembers(fx.keys.batchPending()));

            // After the flip, every CF user's key is merged again: user 9's list now leads with the batch's pick.
            String key = fx.redis.get(fx.keys.recommendations(9));
            assertTrue(key != null && key.contains("\"recommended_products\":[\"p2\"]") && key.contains("\"source\":\"batch_cf\"")
                    && key.contains("\"batch_version\":\"" + v + "\""), key);
        }
    }

    @Test
    void readsTheSpeedLayersEventsAndImportedHistoryTogether() throws Exception {
        try (BatchFixture fx = new BatchFixture("batchroots")) {
            fx.catalog("p1", "p2", "p3", "p4", "p5");
            List<Event> all = history();
            List<Event> live = all.subList(0, 9);
            List<Event> imported = all.subList(9, all.size());
            // The speed layer's root is written by Spark's file sink, which lists its files in _spark_metadata.
            java.nio.file.Path staging = fx.dir.resolve("staging");
            List<org.apache.spark.sql.Row> rows = new ArrayList<>();
            live.forEach(e -> rows.add(io.nowcast.master.MasterDataset.row(e)));
            spark.createDataFrame(rows, io.nowcast.master.MasterDataset.SCHEMA).write().parquet(staging.toString());
            org.apache.spark.sql.streaming.StreamingQuery q = spark.readStream().schema(io.nowcast.master.MasterDataset.SCHEMA)
                    .parquet(staging.toString()).writeStream().format("parquet").option("path", fx.master.toString())
                    .option("checkpointLocation", fx.dir.resolve("checkpoint").toString())
                    .partitionBy(io.nowcast.master.MasterDataset.EVENT_DATE)
                    .trigger(org.apache.spark.sql.streaming.Trigger.AvailableNow()).start();
            q.awaitTermination();
            assertTrue(java.nio.file.Files.exists(fx.master.resolve("_spark_metadata")), "written through the file sink");
            // History comes in as JSON lines, one of them bad.
            java.nio.file.Path file = fx.dir.resolve("history.jsonl");
            List<String> lines = new ArrayList<>(imported.stream().map(io.nowcast.events.EventJson::write).toList());
            lines.add("{\"event_type\":\"purchase\",\"user_id\":");
            java.nio.file.Files.write(file, lines);
            var result = io.nowcast.history.HistoryImport.run(spark, file.toString(), fx.history.toString());
            assertEquals(new io.nowcast.history.HistoryImport.Result(lines.size(), imported.size(), 1), result);

            BatchRunner.Outcome out = new BatchRunner(spark, fx.config(Map.of())).run("test");
            assertTrue(out.succeeded(), out.error());
            assertEquals(new BatchRun.Stats(15L, 1L, 7L, 5L, 2L, 3L), out.stats(), "the same answer as from one root");
            BatchView view = new BatchView(fx.redis, fx.keys);
            assertEquals(3, view.neighbours(out.version(), "p1").get(0).support());
            assertEquals(List.of(new CfItem("p4", round(LogLikelihood.ratio(2, 1, 0, 4)), "p3", 2)), view.cf(out.version(), 3));
        }
    }

    @Test
    void aSecondRunPublishesANewVersionAtomicallyWhileAReaderPolls() throws Exception {
        try (BatchFixture fx = new BatchFixture("batchflip")) {
            fx.catalog("p1", "p2", "p3", "p4", "p5");
            fx.append(spark, history());
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of("NOWCAST_BATCH_GRACE_SECONDS", "30")));
            String first = runner.run("test").version();

            BatchView view = new BatchView(fx.redis, fx.keys);
            Map<String, Long> supportSeen = new ConcurrentHashMap<>();
            List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    String v = view.currentVersion().orElse(null);
                    if (v == null) {
                        bad.add("no current version");
                        continue;
                    }
                    List<Neighbour> n = view.neighbours(v, "p1");
                    List<CfItem> cf = view.cf(v, 9);
                    if (n.isEmpty() || cf.isEmpty()) {
                        bad.add("empty read of version " + v);
                        continue;
                    }
                    // Within one version the neighbour view and the user list must agree on p1–p2's support.
                    if (n.get(0).support() != cf.get(0).support()) {
                        bad.add("mixed read in " + v + ": " + n + " vs " + cf);
                    }
                    Long before = supportSeen.putIfAbsent(v, n.get(0).support());
                    if (before != null && before != n.get(0).support()) {
                        bad.add("version " + v + " changed under a reader");
                    }
                    reads.incrementAndGet();
                }
            });
            reader.start();
            fx.append(spark, List.of(order(10, "o10", DAY, "p1", "p2").get(0), order(10, "o10", DAY, "p1", "p2").get(1)));
            fx.append(spark, order(11, "o11", DAY, "p1", "p2"));
            BatchRunner.Outcome second = runner.run("test");
            Thread.sleep(300);
            stop.set(true);
            reader.join();

            assertTrue(second.succeeded(), second.error());
            assertNotEquals(first, second.version());
            assertEquals(List.of(), bad);
            assertTrue(reads.get() > 100, "the reader polled only " + reads.get() + " times");
            assertEquals(Map.of(first, 3L, second.version(), 5L), supportSeen, "each version seen whole, the old one then the new one");
            long ttl = fx.redis.ttl(fx.keys.copurchase(first));
            assertTrue(ttl > 0 && ttl <= 30, "the previous version stays for the grace period, then expires: ttl " + ttl);
            assertEquals(-1, fx.redis.ttl(fx.keys.copurchase(second.version())), "the live version does not expire");
            assertEquals(List.of(first, second.version()), fx.redis.zrange(fx.keys.batchVersions(), 0, -1));
        }
    }

    private static void assertNeighbours(List<Neighbour> expected, List<Neighbour> actual) {
        assertEquals(expected.size(), actual.size(), actual.toString());
        for (int i = 0; i < expected.size(); i++) {
            Neighbour e = expected.get(i);
            Neighbour a = actual.get(i);
            assertEquals(e.productId(), a.productId());
            assertEquals(e.support(), a.support());
            assertEquals(e.llr(), a.llr(), 1e-4);
            assertEquals(e.lift(), a.lift(), 1e-4);
        }
        assertFalse(actual.isEmpty() && !expected.isEmpty());
    }

    private static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static Map<String, String> withoutPublishedAt(Map<String, String> meta) {
        Map<String, String> m = new java.util.HashMap<>(meta);
        assertTrue(m.remove("published_at") != null, "meta carries published_at");
        return m;
    }
}
