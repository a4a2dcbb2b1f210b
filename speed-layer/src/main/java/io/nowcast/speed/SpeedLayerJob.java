package io.nowcast.speed;

import io.nowcast.config.Env;
import io.nowcast.spark.Spark;
import org.apache.spark.sql.SparkSession;

/**
 * The speed layer: {@code ./nowcast} runs it in local mode, {@code spark-submit} on a cluster. Reads
 * user_activity and product_catalog, keeps Redis fresh, appends the master dataset. With
 * NOWCAST_SPEED_QUERIES it runs either half alone: {@code ./nowcast} runs the master dataset as a second,
 * lower-priority process ({@code archive}), so that on a shared machine it never delays freshness.
 */
public final class SpeedLayerJob {
    private SpeedLayerJob() {}

    public static void main(String[] args) throws Exception {
        SpeedConfig config;
        try {
            config = SpeedConfig.fromEnv();
        } catch (Env.ConfigException e) {
            System.err.println("speed-layer: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        SparkSession spark = Spark.session(config.queries().equals(SpeedConfig.ARCHIVE) ? "nowcast-archive" : "nowcast-speed-layer",
                config.master(), config.shufflePartitions());
        // The master dataset's micro-batches hold one or two event dates: a writer per date, instead of
        // sorting every batch by date first (a tenth of the job's CPU at 20 K events/s).
        spark.conf().set("spark.sql.maxConcurrentOutputFileWriters", "4");
        spark.streams().addListener(new ProgressToRedis(config));
        var queries = SpeedQueries.start(spark, config);
        // ./nowcast waits for this line before it reports the speed layer as running.
        System.out.println("nowcast: speed layer started (queries " + config.queries() + ", trigger " + config.trigger()
                + ", data " + config.dataDir() + ")");
        System.out.flush();
        if (config.trigger().equals(SpeedConfig.AVAILABLE_NOW)) {
            SpeedQueries.awaitBounded(config, queries);
        } else {
            spark.streams().awaitAnyTermination();
        }
        spark.stop();
    }
}
