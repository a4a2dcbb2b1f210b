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
 *
 * <p>A snapshot that a crash cut short is taken again from the start, and a row deleted in between is
 * in neither that snapshot nor the stream after it. So when a snapshot completes, every product still
 * live on the topic that the snapshot did not see gets a tombstone: the topic then holds exactly the
 * table.
 */
final class CatalogPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogPublisher.class);
    private static final long SNAPSHOT_LOG_EVERY = 10_000;

    private final Producer<String, String> producer;
    private final TopicKeys topicKeys;
    private final java.util.Set<String> snapshotKeys = new java.util.HashSet<>();
    final AtomicLong upserts = new AtomicLong();
    final AtomicLong deletes = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong snapshotRows = new AtomicLong();

    /** {@code topicKeys} lists the products live on the topic (for the end of a snapshot). */
    CatalogPublisher(Producer<String, String> producer, TopicKeys topicKeys) {
        this.producer = producer;
        this.topicKeys = topicKeys;
    }

    /** The keys whose latest record on {@code product_catalog} is not a tombstone. */
    interface TopicKeys {
        java.util.Set<String> live();
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
            if (change.snapshot()) {
                if (change.productId() != null) {
                    snapshotKeys.add(change.productId());
                }
                if (snapshotRows.incrementAndGet() % SNAPSHOT_LOG_EVERY == 0) {
                    LOG.info("nowcast: cdc snapshot: {} rows so far", snapshotRows.get());
                }
            }
            snapshotDone |= change.lastOfSnapshot();
        }
        producer.flush();
        if (snapshotDone) {
            sent.addAll(tombstonesForRowsTheSnapshotDidNotSee());
            producer.flush();
        }
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

    private List<Future<RecordMetadata>> tombstonesForRowsTheSnapshotDidNotSee() {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (String key : topicKeys.live()) {
            if (!snapshotKeys.contains(key)) {
                sent.add(producer.send(new ProducerRecord<>(Topics.PRODUCT_CATALOG, key, null)));
                deletes.incrementAndGet();
            }
        }
        if (!sent.isEmpty()) {
            LOG.info("nowcast: cdc snapshot: {} products on the topic are no longer in the table; sent their tombstones", sent.size());
        }
        snapshotKeys.clear();
        return sent;
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return false;
    }
}
