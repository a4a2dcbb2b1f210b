package io.nowcast.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.events.EventJson;
import io.nowcast.simulator.Shop;
import io.nowcast.testing.TestServers;
import io.nowcast.topics.Topics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The simulator against a real broker: what it reports as sent is exactly what the topic holds. */
class SimulatorKafkaIT {
    /** Records from a simulator run with this seed (event ids read e{seed}-n; bad records keep theirs too). */
    private static Predicate<ConsumerRecord<String, String>> seed(long seed) {
        String marker = "\"e" + seed + "-";
        return r -> r.value() != null && r.value().contains(marker);
    }

    @Test
    void simulatorWritesTheCatalogThenEveryEventKeyedByUser() {
        String bootstrap = TestServers.kafka();
        try (TopicReader events = new TopicReader(bootstrap, Topics.USER_ACTIVITY, seed(11));
             TopicReader catalog = new TopicReader(bootstrap, Topics.PRODUCT_CATALOG, r -> true)) {
            int rc = IngestMain.execute(new String[] {"simulate", "--bootstrap", bootstrap, "--count", "5000",
                    "--rate", "20000", "--products", "300", "--users", "1000", "--seed", "11"});
            assertEquals(0, rc);

            List<ConsumerRecord<String, String>> got = events.readAll();
            assertEquals(5000, got.size());
            Set<Integer> partitions = new HashSet<>();
            Map<String, Integer> partitionOfUser = new HashMap<>();
            for (ConsumerRecord<String, String> r : got) {
                EventJson.Parsed p = EventJson.parse(r.value());
                assertTrue(p.ok(), p.explain());
                assertEquals(Long.toString(p.event().userId()), r.key());
                Integer before = partitionOfUser.put(r.key(), r.partition());
                assertTrue(before == null || before == r.partition(), "a user's events stay in one partition");
                partitions.add(r.partition());
            }
            assertEquals(events.partitionCount(), partitions.size(), "events spread over every partition");

            List<ConsumerRecord<String, String>> products = catalog.readAll();
            assertEquals(300, products.size(), "the simulator's catalog goes first");
            assertEquals(Shop.productId(0), products.stream().map(ConsumerRecord::key).sorted().findFirst().orElseThrow());
        }
    }

    @Test
    void asFastAsPossibleStopsAtTheCountWithBadRecordsIncluded() {
        String bootstrap = TestServers.kafka();
        try (TopicReader events = new TopicReader(bootstrap, Topics.USER_ACTIVITY, seed(12))) {
            int rc = IngestMain.execute(new String[] {"simulate", "--bootstrap", bootstrap, "--count", "20000",
                    "--as-fast-as-possible", "--no-catalog", "--bad-rate", "0.05", "--seed", "12"});
            assertEquals(0, rc);
            List<ConsumerRecord<String, String>> got = events.readAll();
            assertEquals(20000, got.size());
            long bad = got.stream().filter(r -> !EventJson.parse(r.value()).ok()).count();
            // Four of the five bad kinds fail parsing; far-future timestamps parse and fail on the clock.
            assertTrue(bad > 20000 * 0.05 * 0.6 && bad < 20000 * 0.05, "unparseable or invalid: " + bad);
        }
    }

    @Test
    void simulatorIsDeterministicForASeedWithASimulatedClock() {
        String bootstrap = TestServers.kafka();
        String[] args = {"simulate", "--bootstrap", bootstrap, "--count", "500", "--as-fast-as-possible", "--no-catalog",
                "--seed", "99", "--start", "2024-07-27T10:00:00Z", "--products", "100", "--users", "50"};
        List<String> first;
        try (TopicReader events = new TopicReader(bootstrap, Topics.USER_ACTIVITY, seed(99))) {
            assertEquals(0, IngestMain.execute(args));
            first = events.readAll().stream().map(ConsumerRecord::value).sorted().toList();
        }
        assertEquals(500, first.size());
        try (TopicReader events = new TopicReader(bootstrap, Topics.USER_ACTIVITY, seed(99))) {
            assertEquals(0, IngestMain.execute(args));
            List<String> second = events.readAll().stream().map(ConsumerRecord::value).sorted().toList();
            assertTrue(first.equals(second), "the second run differs from the first");
        }
        assertTrue(first.get(0).contains("2024-07-27T10:00"), first.get(0));
    }
}
