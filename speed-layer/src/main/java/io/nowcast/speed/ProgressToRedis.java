package io.nowcast.speed;

import io.nowcast.redis.RedisKeys;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each query's progress (rates, micro-batch duration) to {@code speed:progress}, where the
 * dashboard's overview reads it. Runs on the driver; a Redis hiccup costs one report, never the job.
 */
final class ProgressToRedis extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressToRedis.class);

    private final SpeedConfig config;
    private final String key;

    ProgressToRedis(SpeedConfig config) {
        this.config = config;
        this.key = new RedisKeys(config.redisPrefix()).speedProgress();
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        var p = event.progress();
        String q = p.name() == null ? p.id().toString() : p.name();
        Map<String, String> fields = new HashMap<>();
        fields.put(q + ".input_rows_per_s", format(p.inputRowsPerSecond()));
        fields.put(q + ".processed_rows_per_s", format(p.processedRowsPerSecond()));
        Long trigger = p.durationMs() == null ? null : p.durationMs().get("triggerExecution");
        fields.put(q + ".batch_ms", trigger == null ? "0" : Long.toString(trigger));
        fields.put(q + ".batch_id", Long.toString(p.batchId()));
        fields.put(q + ".rows", Long.toString(p.numInputRows()));
        fields.put(q + ".at", Long.toString(System.currentTimeMillis()));
        try {
            Connections.redis(config).hset(key, fields);
        } catch (RuntimeException e) {
            LOG.warn("could not publish the progress of {}: {}", q, e.getMessage());
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}

    private static String format(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.1f", v) : "0";
    }
}
