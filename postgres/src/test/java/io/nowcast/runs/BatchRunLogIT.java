package io.nowcast.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.db.TestDatabase;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BatchRunLogIT {
    private static TestDatabase db;
    private static BatchRunLog log;

    @BeforeAll
    static void database() {
        db = TestDatabase.create("runlog");
        log = new BatchRunLog(db.database());
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void migrateCreatesAMissingDatabase() {
        io.nowcast.db.Database fresh = new io.nowcast.db.Database(db.database().url() + "x", db.endpoints().postgresUser(),
                db.endpoints().postgresPassword());
        try {
            new BatchRunLog(fresh.migrate()).start("cli", "h", null, 1);
            assertEquals(1, new BatchRunLog(fresh).recent(5).size());
        } finally {
            try (var c = java.sql.DriverManager.getConnection(db.database().url().replaceAll("/[^/]+$", "/postgres"),
                    db.endpoints().postgresUser(), db.endpoints().postgresPassword()); var s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + db.database().url().replaceAll(".*/", "") + "x WITH (FORCE)");
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void secondLockIsRefusedUntilTheFirstIsReleased() {
        Optional<BatchRunLog.Lease> first = log.tryLock();
        assertTrue(first.isPresent());
        assertTrue(log.tryLock().isEmpty(), "a second run must be refused while the first holds the lock");
        first.get().close();
        try (BatchRunLog.Lease again = log.tryLock().orElseThrow()) {
            assertNotNull(again);
        }
    }

    @Test
    void aRunIsRecordedFromStartToSuccessAndAStaleRunningRowIsMarkedFailed() {
        long dead = log.start("cli", "h", LocalDate.of(2024, 7, 1), 90);
        long live = log.start("schedule", "h", null, 30);
        BatchRun stale = log.get(dead).orElseThrow();
        assertEquals(BatchRun.Status.FAILED, stale.status());
        assertTrue(stale.error().contains("found by run " + live), stale.error());

        assertEquals(live, log.running().orElseThrow().runId());
        log.asOf(live, LocalDate.of(2024, 7, 27));
        log.succeed(live, new BatchRun.Stats(10L, 1L, 4L, 6L, 3L, 2L), "v7", "no data for 2024-07-01");
        BatchRun r = log.get(live).orElseThrow();
        assertEquals(BatchRun.Status.SUCCEEDED, r.status());
        assertEquals(LocalDate.of(2024, 7, 27), r.asOf());
        assertEquals(30, r.lookbackDays());
        assertEquals(new BatchRun.Stats(10L, 1L, 4L, 6L, 3L, 2L), r.stats());
        assertEquals("v7", r.version());
        assertEquals("no data for 2024-07-01", r.warnings());
        assertNull(r.error());
        assertNotNull(r.endedAt());
        assertTrue(log.running().isEmpty());
        assertEquals(live, log.recent(1).get(0).runId());
    }

    @Test
    void aFailedRunKeepsItsErrorAndPartialCounts() {
        long id = log.start("dashboard", "h", null, 90);
        log.fail(id, new BatchRun.Stats(0L, null, null, null, null, null), null, "no purchases in the look-back");
        BatchRun r = log.get(id).orElseThrow();
        assertEquals(BatchRun.Status.FAILED, r.status());
        assertEquals("no purchases in the look-back", r.error());
        assertEquals(0L, r.stats().purchases());
        assertNull(r.stats().pairs());
        assertNull(r.version());
    }
}
