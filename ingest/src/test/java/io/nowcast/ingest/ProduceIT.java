package io.nowcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code produce} against a real broker: good lines arrive keyed, bad lines are reported and held back. */
class ProduceIT {
    @TempDir
    Path dir;

    private record Run(int rc, String out, String err) {}

    private static Run produce(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] full = new String[args.length + 1];
            full[0] = "produce";
            System.arraycopy(args, 0, full, 1, args.length);
            int rc = IngestMain.execute(full);
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void sendsGoodLinesAndReportsBadOnesWithLineNumbersAndReasons() throws IOException {
        String bootstrap = TestServers.kafka();
        Path file = dir.resolve("events.jsonl");
        Files.write(file, List.of(
                "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p_it_1\",\"timestamp\":\"2024-07-27T10:00:00Z\"}",
                "{\"event_type\":\"page_view\",\"user_id\":2,",
                "",
                "{\"event_type\":\"teleport\",\"user_id\":3,\"product_id\":\"p_it_1\",\"timestamp\":\"2024-07-27T10:00:00Z\"}",
                "{\"event_type\":\"purchase\",\"user_id\":4,\"product_id\":\"p_it_2\",\"order_id\":\"o1\",\"timestamp\":\"2024-07-27T10:01:00Z\"}"));
        try (TopicReader reader = new TopicReader(bootstrap, Topics.USER_ACTIVITY, r -> r.value().contains("\"p_it_"))) {
            Run run = produce("--topic", "user_activity", "--file", file.toString(), "--bootstrap", bootstrap);
            assertEquals(1, run.rc(), run.err());
            assertTrue(run.out().contains("lines=5 sent=2 rejected=2 failed=0"), run.out());
            assertTrue(run.err().contains("line 2: unparseable"), run.err());
            assertTrue(run.err().contains("line 4: unknown_event_type"), run.err());
            List<ConsumerRecord<String, String>> got = reader.readAll();
            assertEquals(List.of("1", "4"), got.stream().map(ConsumerRecord::key).sorted().toList());
        }
    }

    @Test
    void catalogDeletesArriveAsTombstones() throws IOException {
        String bootstrap = TestServers.kafka();
        Path file = dir.resolve("catalog.jsonl");
        Files.write(file, List.of(
                "{\"product_id\":\"it_p1\",\"name\":\"Trail Shoe\",\"category\":\"shoes/trail\",\"price\":80}",
                "{\"product_id\":\"it_p1\",\"deleted\":true}"));
        try (TopicReader reader = new TopicReader(bootstrap, Topics.PRODUCT_CATALOG, r -> r.key().equals("it_p1"))) {
            Run run = produce("--topic", "product_catalog", "--file", file.toString(), "--bootstrap", bootstrap);
            assertEquals(0, run.rc(), run.err());
            List<ConsumerRecord<String, String>> got = reader.readAll();
            assertEquals(2, got.size());
            assertTrue(got.get(0).value().contains("Trail Shoe"));
            assertNull(got.get(1).value());
        }
    }

    @Test
    void missingFileAndUnknownTopicAreUsageErrors() {
        Run missing = produce("--topic", "user_activity", "--file", dir.resolve("nope.jsonl").toString());
        assertEquals(2, missing.rc());
        assertTrue(missing.err().contains("nope.jsonl (no such file)"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), "one line: " + missing.err());

        Run topic = produce("--topic", "orders", "--file", dir.resolve("nope.jsonl").toString());
        assertEquals(2, topic.rc());
        assertTrue(topic.err().contains("unknown topic 'orders'"), topic.err());
    }
}
