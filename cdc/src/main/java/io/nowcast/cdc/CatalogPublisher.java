package io.nowcast.cdc;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.nowcast.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch of changes to {@code product_catalog} (and bad rows to {@code product_catalog_dlq}),
 * waits until Kafka has acknowledged all of it, and only then marks the batch processed, so Debezium's
 * offsets never run ahead of Kafka. After a crash Debezium replays from its last flushed offset: a
 * replayed upsert or tombstone is the same record again, which the compacted topic and the speed
 * layer's idempotent catalog writes absorb.
 */
final class CatalogPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPublisher.class);
    private static final long SNAPSHOT_LOG_EVERY = 10_000;

    private final Producer<String, String> producer;
    final AtomicLong upserts = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong snapshotRows = new AtomicLong();

    CatalogPublisher(Producer<String, String> producer) {
        this.producer = producer;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> records, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        boolean snapshotDone = false;
        for (RecordChangeEvent<SourceRecord> r : records) {
            CatalogChange change = CatalogChange.of(r.record());
            switch (change.kind()) {
                case UPSERT -> {
                    sent.add(producer.send(new ProducerRecord<>(Topics.PRODUCT_CATALOG, change.productId(), change.json())));
                    upserts.incrementAndGet();
                }
                case DELETE -> {
                    sent.add(producer.send(new ProducerRecord<>(Topics.PRODUCT_CATALOG, change.productId(), null)));
                    deletes.incrementAndGet();
                }
                case REJECT -> {
                    ProducerRecord<String, String> bad = new ProducerRecord<>(Topics.PRODUCT_CATALOG_DLQ, change.productId(), change.json());
                    bad.headers().add(Topics.DLQ_REASON_HEADER, change.reason().getBytes(StandardCharsets.UTF_8));
                    sent.add(producer.send(bad));
                    rejected.incrementAndGet();
                    LOG.warn("nowcast: cdc rejected a catalog row: {}", change.reason());
                }
                case SKIP -> { }
            }
            if (change.snapshot() && snapshotRows.incrementAndGet() % SNAPSHOT_LOG_EVERY == 0) {
                LOG.info("nowcast: cdc snapshot: {} rows so far", snapshotRows.get());
            }
            snapshotDone |= change.lastOfSnapshot();
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                // Not acknowledged: fail the batch, so its offsets are not committed and it is sent again.
                throw new IllegalStateException("Kafka did not take a catalog change: " + e.getCause().getMessage(), e.getCause());
            }
        }
        for (RecordChangeEvent<SourceRecord> r : records) {
            committer.markProcessed(r);
        }
        committer.markBatchFinished();
        if (snapshotDone) {
            LOG.info("nowcast: cdc snapshot done: {} rows; streaming changes", snapshotRows.get());
        }
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return false;
    }
}
