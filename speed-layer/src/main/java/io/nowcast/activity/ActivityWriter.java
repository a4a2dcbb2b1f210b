package io.nowcast.activity;

import io.nowcast.activity.ActivityApplier.Lane;
import io.nowcast.events.EventCheck;
import io.nowcast.events.KafkaEvents;
import io.nowcast.speed.Connections;
import io.nowcast.speed.SpeedConfig;
import org.apache.spark.sql.ForeachWriter;
import org.apache.spark.sql.Row;

/**
 * The speed layer's sink for user_activity: a ForeachWriter, so it runs in Spark's real-time mode as
 * well as in micro-batches. Each task checks a record once and buffers it in two {@link ActivityFlusher}s,
 * one per {@link Lane}: trending, flushed every {@code NOWCAST_SPEED_TRENDING_FLUSH_MS}, and the per-user
 * state, flushed every {@code NOWCAST_SPEED_FLUSH_MS}. Each lane applies exactly once under its own
 * watermark, so neither waits for the other; the task ends (and Spark commits) when both have flushed.
 */
public final class ActivityWriter extends ForeachWriter<Row> {
    private final SpeedConfig config;
    private transient ActivityFlusher trending;
    private transient ActivityFlusher users;

    public ActivityWriter(SpeedConfig config) {
        this.config = config;
    }

    @Override
    public boolean open(long partitionId, long epochId) {
        trending = new ActivityFlusher(config, Lane.TRENDING, Connections.redis(config), Connections.producer(config));
        users = new ActivityFlusher(config, Lane.USERS, Connections.redis(config), Connections.producer(config));
        return true;
    }

    @Override
    public void process(Row row) {
        int partition = row.getInt(row.fieldIndex(KafkaEvents.PARTITION));
        long offset = row.getLong(row.fieldIndex(KafkaEvents.OFFSET));
        byte[] key = key(row);
        byte[] value = (byte[]) row.get(row.fieldIndex(KafkaEvents.VALUE));
        EventCheck.Verdict verdict = EventCheck.check(value, System.currentTimeMillis(), config.futureSkewMs());
        trending.add(partition, offset, key, value, verdict);
        users.add(partition, offset, key, value, verdict);
    }

    private static byte[] key(Row row) {
        String k = row.getString(row.fieldIndex(KafkaEvents.KEY));
        return k == null ? null : k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close(Throwable error) {
        try {
            if (trending != null) {
                trending.close(error == null);
            }
        } finally {
            if (users != null) {
                users.close(error == null);
            }
        }
    }
}
