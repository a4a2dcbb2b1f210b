package io.nowcast.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.nowcast.topics.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/** What reaches Kafka for a batch, and that offsets are marked only after Kafka took all of it. */
class CatalogPublisherTest {
    /** Records what the engine was told, in order. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<String> marks = new ArrayList<>();

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> r) {
            marks.add("processed");
        }

        @Override
        public void markBatchFinished() {
            marks.add("finished");
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> r, DebeziumEngine.Offsets offsets) {
            marks.add("processed");
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return null;
        }
    }

    private static RecordChangeEvent<SourceRecord> event(SourceRecord r) {
        return () -> r;
    }

    @Test
    void aBatchGoesToTheTopicAndTheDlqAndIsMarkedAfterwards() throws Exception {
        MockProducer<String, String> kafka = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        CatalogPublisher publisher = new CatalogPublisher(kafka, Set::of);
        Committer committer = new Committer();
        publisher.handleBatch(List.of(
                event(ChangeRecords.record("c", null, ChangeRecords.row("p1", "Shoe", "a/b", "5", true), null)),
                event(ChangeRecords.record("d", ChangeRecords.row("p2", "Cup", "a/b", "5", true), null, null)),
                event(ChangeRecords.record("u", null, ChangeRecords.row("p3", "Mug", null, "5", true), null))), committer);
        List<ProducerRecord<String, String>> sent = kafka.history();
        assertEquals(3, sent.size());
        assertEquals(Topics.PRODUCT_CATALOG, sent.get(0).topic());
        assertEquals("p1", sent.get(0).key());
        assertEquals("p2", sent.get(1).key());
        assertNull(sent.get(1).value(), "a delete is a tombstone");
        assertEquals(Topics.PRODUCT_CATALOG_DLQ, sent.get(2).topic());
        assertTrue(new String(sent.get(2).headers().lastHeader(Topics.DLQ_REASON_HEADER).value()).contains("category is required"));
        assertEquals(List.of("processed", "processed", "processed", "finished"), committer.marks);
        assertEquals(1, publisher.upserts.get());
        assertEquals(1, publisher.deletes.get());
        assertEquals(1, publisher.rejected.get());
    }

    @Test
    void whenASnapshotCompletesProductsTheTableNoLongerHoldsGetTombstones() throws Exception {
        MockProducer<String, String> kafka = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        // On the topic from an earlier, interrupted snapshot: p1, p2, p3 (p3 deleted while CDC was down), and a rejected row's key.
        CatalogPublisher publisher = new CatalogPublisher(kafka, () -> Set.of("p1", "p2", "p3", "bad"));
        Committer committer = new Committer();
        publisher.handleBatch(List.of(
                event(ChangeRecords.record("r", null, ChangeRecords.row("p1", "Shoe", "a/b", "5", true), "first")),
                event(ChangeRecords.record("r", null, ChangeRecords.row("bad", "Bad", null, "5", true), "true"))), committer);
        publisher.handleBatch(List.of(
                event(ChangeRecords.record("r", null, ChangeRecords.row("p2", "Cup", "a/b", "5", true), "last"))), committer);
        List<ProducerRecord<String, String>> tombstones = kafka.history().stream()
                .filter(r -> r.topic().equals(Topics.PRODUCT_CATALOG) && r.value() == null).toList();
        assertEquals(List.of("p3"), tombstones.stream().map(ProducerRecord::key).toList(),
                "only the product the snapshot did not see; a bad row is still in the table");

        // Streaming afterwards does not reconcile again.
        publisher.handleBatch(List.of(event(ChangeRecords.record("u", null, ChangeRecords.row("p9", "New", "a/b", "5", true), null))), committer);
        assertEquals(1, kafka.history().stream().filter(r -> r.value() == null).count());
    }

    @Test
    void aChangeKafkaDidNotTakeFailsTheBatchBeforeAnyOffsetIsMarked() {
        // Kafka fails the send when the publisher waits for it.
        MockProducer<String, String> kafka = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer()) {
            @Override
            public synchronized void flush() {
                errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));
            }
        };
        CatalogPublisher publisher = new CatalogPublisher(kafka, Set::of);
        Committer committer = new Committer();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publisher.handleBatch(List.of(
                event(ChangeRecords.record("c", null, ChangeRecords.row("p1", "Shoe", "a/b", "5", true), null))), committer));
        assertTrue(e.getMessage().contains("broker gone"), e.getMessage());
        assertEquals(List.of(), committer.marks, "nothing marked: Debezium sends the batch again");
    }
}
