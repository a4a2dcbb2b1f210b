package io.nowcast.batch;

import static io.nowcast.testing.Events.purchase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.runs.BatchRun;
import io.nowcast.runs.BatchRunLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never publishes a broken view: each case gives a clear message in the run log and leaves
 * the previous version live, untouched.
 */
class BatchBadInputIT {
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

    /** A fixture with one good version live; returns it. */
    private static String published(BatchFixture fx, BatchRunner runner) {
        fx.catalog("p1", "p2", "p3", "p4", "p5");
        fx.append(spark, BatchLayerIT.history());
        BatchRunner.Outcome first = runner.run("test");
        assertTrue(first.succeeded(), first.error());
        return first.version();
    }

    private static BatchRun failedWithPreviousLive(BatchFixture fx, BatchRunner runner, String live, String expectedError) {
        String before = fx.redis.hget(fx.keys.copurchase(live), "p1");
        BatchRunner.Outcome out = runner.run("test");
        assertFalse(out.succeeded(), "the run must fail");
        assertTrue(out.error().contains(expectedError), out.error());
        assertEquals(live, fx.redis.get(fx.keys.batchCurrent()), "the previous version stays live");
        assertEquals(before, fx.redis.hget(fx.keys.copurchase(live), "p1"), "and untouched");
        assertEquals(-1, fx.redis.ttl(fx.keys.copurchase(live)));
        BatchRun run = runner.runLog().get(out.runId()).orElseThrow();
        assertEquals(BatchRun.Status.FAILED, run.status());
        assertEquals(out.error(), run.error());
        return run;
    }

    @Test
    void aCorruptParquetFileFailsTheRunNamingTheFile() throws IOException {
        try (BatchFixture fx = new BatchFixture("badcorrupt")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            String live = published(fx, runner);
            Path partition = fx.master.resolve("event_date=2024-07-27");
            Files.writeString(partition.resolve("part-99999-garbage.parquet"), "this is not parquet at all, just text");
            failedWithPreviousLive(fx, runner, live, "part-99999-garbage.parquet");
        }
    }

    @Test
    void aLookBackWithoutPurchasesFailsAndSaysWhichDays() {
        try (BatchFixture fx = new BatchFixture("badempty")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of("NOWCAST_BATCH_AS_OF", "2024-03-01", "NOWCAST_BATCH_LOOKBACK_DAYS", "7")));
            fx.catalog("p1", "p2");
            fx.append(spark, BatchLayerIT.history());
            BatchRunner.Outcome none = runner.run("test");
            assertFalse(none.succeeded());
            assertTrue(none.error().startsWith("no purchases from 2024-02-24 to 2024-03-01"), none.error());
            assertEquals(null, fx.redis.get(fx.keys.batchCurrent()), "nothing was published");
            assertTrue(runner.runLog().get(none.runId()).orElseThrow().warnings().contains("no data for 7 of the 7 days"));
        }
    }

    @Test
    void missingDaysAreReportedButDoNotStopTheRun() {
        try (BatchFixture fx = new BatchFixture("badgaps")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of("NOWCAST_BATCH_LOOKBACK_DAYS", "10")));
            published(fx, runner);
            BatchRun run = runner.runLog().recent(1).get(0);
            assertEquals(BatchRun.Status.SUCCEEDED, run.status());
            // History has purchases on 07-22, 07-26 and 07-27 only.
            assertTrue(run.warnings().contains("no data for 7 of the 10 days from 2024-07-18 to 2024-07-27"), run.warnings());
        }
    }

    @Test
    void purchasesOfUnknownProductsOnlyFailTheRun() {
        try (BatchFixture fx = new BatchFixture("badunknown")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            String live = published(fx, runner);
            fx.redis.del(fx.keys.products());
            fx.catalog("q1");
            failedWithPreviousLive(fx, runner, live, "none of the 15 purchases from 2024-04-29 to 2024-07-27 is of a product in the catalog");
        }
    }

    @Test
    void anEmptyCatalogOrAMissingDatasetSaySoClearly() throws IOException {
        try (BatchFixture fx = new BatchFixture("badnocatalog")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            BatchRunner.Outcome noData = runner.run("test");
            assertTrue(noData.error().startsWith("the master dataset does not exist (" + fx.master + ", " + fx.history + "): run the speed layer"),
                    noData.error());
            fx.append(spark, BatchLayerIT.history());
            BatchRunner.Outcome noCatalog = runner.run("test");
            assertTrue(noCatalog.error().contains("the catalog in Redis is empty"), noCatalog.error());
            // A partition folder without files (a day that was deleted by hand) is just a day without data.
            Files.createDirectories(fx.master.resolve("event_date=2024-07-28"));
            fx.catalog("p1", "p2", "p3", "p4", "p5");
            BatchRunner.Outcome ok = runner.run("test");
            assertTrue(ok.succeeded(), ok.error());
            try (Stream<Path> s = Files.list(fx.master)) {
                assertEquals(5, s.filter(p -> p.getFileName().toString().startsWith("event_date=")).count());
            }
        }
    }

    @Test
    void aSecondRunIsRefusedWhileOneIsInProgress() {
        try (BatchFixture fx = new BatchFixture("badoverlap")) {
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            String live = published(fx, runner);
            BatchRunLog log = runner.runLog();
            long other = log.start("schedule", "elsewhere", null, 90);
            try (BatchRunLog.Lease held = log.tryLock().orElseThrow()) {
                BatchRunner.Outcome refused = runner.run("cli");
                assertTrue(refused.refused());
                assertEquals("another batch run is in progress: run " + other + " (schedule, started "
                        + log.get(other).orElseThrow().startedAt() + "); runs never overlap, try again when it ends", refused.error());
            }
            assertEquals(live, fx.redis.get(fx.keys.batchCurrent()));
            assertEquals(List.of(other), log.recent(10).stream().filter(r -> r.status() == BatchRun.Status.RUNNING).map(BatchRun::runId).toList());
            assertTrue(runner.run("cli").succeeded(), "once the lock is free, the next run goes ahead");
        }
    }
}
