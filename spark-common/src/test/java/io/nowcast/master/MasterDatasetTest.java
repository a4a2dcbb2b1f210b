package io.nowcast.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.events.EventCheck;
import io.nowcast.spark.Spark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master dataset's parse and write path against its reference: {@link MasterDataset#row} of the event
 * {@link EventCheck} accepts. Covers sub-millisecond times, a time before 1970 and dates at midnight.
 */
class MasterDatasetTest {
    private static final long SKEW = 10L * 365 * 86_400_000L;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Spark.session("master-dataset-test", "local[2]", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static final List<String> LINES = List.of(
            "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p1\",\"timestamp\":\"2026-11-27T10:00:00.123456Z\",\"event_id\":\"e1\",\"session_id\":\"s1\"}",
            "{\"event_type\":\"purchase\",\"user_id\":2,\"product_id\":\"p2\",\"timestamp\":\"2026-11-27T23:59:59.999999999Z\",\"event_id\":\"e2\",\"order_id\":\"o1\",\"quantity\":3,\"price\":9.5}",
            "{\"event_type\":\"search\",\"user_id\":3,\"query\":\"red shoes\",\"timestamp\":\"2026-11-28T00:00:00Z\",\"event_id\":\"e3\"}",
            "{\"event_type\":\"click\",\"user_id\":4,\"product_id\":\"p4\",\"timestamp\":\"1969-12-31T23:59:59.5Z\",\"rec_id\":\"r4\"}",
            "{\"event_type\":\"add_to_cart\",\"user_id\":5,\"product_id\":\"p5\",\"timestamp\":\"2024-02-29T12:30:00.000001\"}",
            "{\"event_type\":\"page_view\",\"user_id\":\"six\",\"product_id\":\"p6\",\"timestamp\":\"2026-11-27T10:00:00Z\"}",
            "not json at all",
            "{\"event_type\":\"teleport\",\"user_id\":7,\"product_id\":\"p7\",\"timestamp\":\"2026-11-27T10:00:00Z\"}");

    /** The reference rows as Spark holds them (it keeps microseconds, as the master dataset does). */
    private static List<String> expected() {
        List<Row> rows = new ArrayList<>();
        for (String line : LINES) {
            EventCheck.Verdict v = EventCheck.check(line.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis(), SKEW);
            if (v.ok()) {
                rows.add(MasterDataset.row(v.event()));
            }
        }
        return sorted(spark.createDataFrame(rows, MasterDataset.SCHEMA).collectAsList());
    }

    private static List<String> sorted(List<Row> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.toString()));
        out.sort(null);
        return out;
    }

    @Test
    void validEventsEqualTheReferenceRowsAndDropTheRest() {
        List<String> want = expected();
        assertTrue(want.size() >= 4, "the fixture's valid lines: " + want);
        var parsed = MasterDataset.validEvents(spark.createDataset(LINES, Encoders.STRING()).toDF(), SKEW);
        assertEquals(MasterDataset.SCHEMA, parsed.schema());
        assertEquals(want, sorted(parsed.collectAsList()));
    }

    @Test
    void writtenWithTheWriteOptionsAndReadBackUnchanged(@TempDir Path dir) throws Exception {
        String root = dir.resolve("events").toString();
        MasterDataset.validEvents(spark.createDataset(LINES, Encoders.STRING()).toDF(), SKEW)
                .write().options(MasterDataset.WRITE_OPTIONS).partitionBy(MasterDataset.EVENT_DATE).parquet(root);
        assertTrue(Files.isDirectory(Path.of(root, "event_date=1969-12-31")), "a partition per UTC event date");
        assertTrue(Files.isDirectory(Path.of(root, "event_date=2026-11-28")));
        List<Row> back = MasterDataset.read(spark, List.of(root), UnaryOperator.identity())
                .select(java.util.Arrays.stream(MasterDataset.SCHEMA.fieldNames()).map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
        assertEquals(expected(), sorted(back));
    }
}
