package io.nowcast.ingest;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes string records to one Kafka topic with an idempotent producer tuned for throughput
 * (batches of 256 KB, 5 ms linger, lz4). Counts acknowledgements, so callers report only what the
 * broker accepted.
 */
public final class KafkaSink implements RecordSink {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();

    public KafkaSink(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "nowcast-ingest");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.topic = topic;
    }

    @Override
    public void send(String key, String value) {
        producer.send(new ProducerRecord<>(topic, key, value), (meta, error) -> {
            if (error == null) {
                acked.incrementAndGet();
            } else {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error.toString());
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
    }

    @Override
    public long acknowledged() {
        return acked.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public String firstError() {
        return firstError.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
