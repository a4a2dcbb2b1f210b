package io.nowcast.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.events.Event;
import io.nowcast.recommend.BatchView;
import io.nowcast.recommend.CfItem;
import io.nowcast.recommend.Neighbour;
import io.nowcast.runs.BatchRun;
import io.nowcast.testing.JobProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The job killed mid-publish at four points: halfway through the co-purchase view, halfway through the
 * user lists, between the last write and the flip, and right after the flip. A reader polling all the
 * while only ever sees a complete version; the next run succeeds and removes what the dead runs left.
 */
class BatchKillIT {
    private static final Instant DAY = Instant.parse("2024-07-27T10:00:00Z");

    /** 3,000 users with an order of two products each over 40 products, so every view spans several chunks. */
    static List<Event> history(int round) {
        List<Event> e = new ArrayList<>();
        for (int u = 1; u <= 3_000; u++) {
            int a = u % 20;
            String order = "k" + round + "-" + u;
            e.add(io.nowcast.testing.Events.purchase(u, "p" + a, order, DAY));
            e.add(io.nowcast.testing.Events.purchase(u, "p" + (20 + (a + round) % 20), order, DAY));
        }
        // The reader's user: bought p7 alone, so their list holds p7's neighbours in every version.
        e.add(io.nowcast.testing.Events.purchase(5_000, "p7", "solo" + round, DAY));
        return e;
    }

    @Test
    void readersSeeOnlyWholeVersionsAndTheNextRunCleansUp() throws Exception {
        SparkSession spark = BatchFixture.spark();
        try (BatchFixture fx = new BatchFixture("batchkill")) {
            String[] catalog = new String[40];
            for (int i = 0; i < 40; i++) {
                catalog[i] = "p" + i;
            }
            fx.catalog(catalog);
            fx.append(spark, history(0));
            BatchRunner runner = new BatchRunner(spark, fx.config(Map.of()));
            String live = runner.run("test").version();
            fx.append(spark, history(1));

            BatchView view = new BatchView(fx.redis, fx.keys);
            List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> {
                while (!stop.get()) {
                    String v = view.currentVersion().orElse(null);
                    List<Neighbour> n = v == null ? List.of() : view.neighbours(v, "p7");
                    List<CfItem> cf = v == null ? List.of() : view.cf(v, 5_000);
                    long products = v == null ? 0 : fx.redis.hlen(fx.keys.copurchase(v));
                    if (n.isEmpty() || cf.isEmpty() || products != 40) {
                        bad.add("incomplete read of version " + v + ": " + n + ", " + cf + ", " + products + " products");
                    }
                    reads.incrementAndGet();
                }
            });
            reader.start();

            // Each run removes what the one before it abandoned (pending stays at one); the last run cleans up after before-flip.
            List<String> points = List.of(BatchConfig.CRASH_AFTER_FLIP, BatchConfig.CRASH_MID_COPURCHASE, BatchConfig.CRASH_MID_CF,
                    BatchConfig.CRASH_BEFORE_FLIP);
            for (String point : points) {
                Path log = fx.dir.resolve("job-" + point + ".log");
                JobProcess job = JobProcess.start(BatchJob.class, fx.env(Map.of("NOWCAST_BATCH_CRASH_AT", point)), log);
                assertEquals(137, job.waitFor(300), "the job halts at " + point + "; log " + log);
                String current = view.currentVersion().orElseThrow();
                if (point.equals(BatchConfig.CRASH_AFTER_FLIP)) {
                    assertTrue(!current.equals(live), "after the flip the new version is live");
                    live = current;
                } else {
                    assertEquals(live, current, "killed at " + point + ": the previous version stays live");
                    assertEquals(1, fx.redis.scard(fx.keys.batchPending()), "killed at " + point + ": its version is pending");
                }
            }
            BatchRunner.Outcome next = runner.run("test");
            Thread.sleep(200);
            stop.set(true);
            reader.join();

            assertTrue(next.succeeded(), next.error());
            assertEquals(List.of(), bad.subList(0, Math.min(5, bad.size())));
            assertTrue(reads.get() > 100, "the reader polled only " + reads.get() + " times");
            // What is left: the live version, and the previous ones still in their grace period.
            Set<String> versions = new TreeSet<>();
            for (String k : fx.allKeys()) {
                String rest = k.substring(fx.prefix.length());
                if (rest.startsWith("copurchase:") || rest.startsWith("cf:") || rest.startsWith("batch:meta:")) {
                    versions.add(rest.substring(rest.lastIndexOf(':') + 1));
                }
            }
            assertEquals(new TreeSet<>(fx.redis.zrange(fx.keys.batchVersions(), 0, -1)), versions,
                    "only published versions have keys; the three abandoned ones were removed");
            assertEquals(3, versions.size(), "first run, the one killed after its flip, and the last run");
            assertEquals(Set.of(), fx.redis.smembers(fx.keys.batchPending()));
            String warnings = runner.runLog().get(next.runId()).orElseThrow().warnings();
            assertTrue(warnings != null && warnings.contains("left unpublished by a run that died"), warnings);

            List<BatchRun> runs = runner.runLog().recent(10);
            assertEquals(6, runs.size());
            for (BatchRun r : runs.subList(1, 5)) {
                assertEquals(BatchRun.Status.FAILED, r.status(), "killed run " + r.runId());
                assertTrue(r.error().contains("ended without finishing"), r.error());
            }
        } finally {
            spark.stop();
        }
    }
}
