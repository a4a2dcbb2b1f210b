package io.nowcast.activity;

import io.nowcast.events.KafkaEvents;
import io.nowcast.speed.Connections;
import io.nowcast.speed.SpeedConfig;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;

/**
 * The speed layer's sink for user_activity: a ForeachWriter, so it runs in Spark's real-time mode as
 * well as in micro-batches. Each task buffers its records in an {@link ActivityFlusher}.
 */
public final class ActivityWriter extends ForeachWriter<Row> {
    private final SpeedConfig config;
    private transient ActivityFlusher flusher;

    public ActivityWriter(SpeedConfig config) {
        this.config = config;
    }

    @Override
    public boolean open(long partitionId, long epochId) {
        flusher = new ActivityFlusher(config, Connections.redis(config), Connections.producer(config));
        return true;
    }

    @Override
    public void process(Row row) {
        flusher.add(row.getInt(row.fieldIndex(KafkaEvents.PARTITION)), row.getLong(row.fieldIndex(KafkaEvents.OFFSET)),
                key(row), (byte[]) row.get(row.fieldIndex(KafkaEvents.VALUE)), System.currentTimeMillis());
    }

    private static byte[] key(Row row) {
        String k = row.getString(row.fieldIndex(KafkaEvents.KEY));
        return k == null ? null : k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close(Throwable error) {
        if (flusher != null) {
            flusher.close(error == null);
        }
    }
}
