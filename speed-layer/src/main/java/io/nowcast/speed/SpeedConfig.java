package io.nowcast.speed;

import io.nowcast.activity.ActivityApplier;
import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of the speed-layer job, from {@code NOWCAST_*} variables (README, "Configuration").
 * Serializable: Spark ships it to the executors inside the writers (so paths are kept as strings).
 */
public record SpeedConfig(
        String master,
        String kafkaBootstrap,
        String redisHost,
        int redisPort,
        String redisPrefix,
        String dataDir,
        String trigger,
        int checkpointSeconds,
        int trendingFlushMillis,
        int flushMillis,
        int flushRecords,
        long latenessMs,
        long futureSkewMs,
        long interestBucketMs,
        long boughtLookbackMs,
        int recommendations,
        int shufflePartitions,
        String startingOffsets,
        String masterEvents,
        String queries,
        boolean refresher,
        int refresherRestPercent,
        int refresherYieldMs) implements Serializable {

    public static final String REALTIME = "realtime";
    public static final String MICROBATCH = "microbatch";
    public static final String AVAILABLE_NOW = "available-now";

    /** NOWCAST_SPEED_QUERIES: every query in one job (the default). */
    public static final String ALL = "all";
    /** NOWCAST_SPEED_QUERIES: what keeps Redis fresh (activity and catalog), without the master dataset. */
    public static final String FRESH = "fresh";
    /** NOWCAST_SPEED_QUERIES: the master dataset alone, so it can run as a separate, lower-priority job. */
    public static final String ARCHIVE = "archive";

    /**
     * NOWCAST_SPEED_FLUSH_RECORDS' default: how many records a lane buffers before it flushes without
     * waiting for its timer, and the most one transaction of a partition applies. At 20 K events/s a task's
     * users lane gathers about 500 records in its 50 ms, so this changes nothing there; under heavier load a
     * flush takes longer and the next one gathers more, and a larger transaction folds more events into one
     * command per user, category and product, which costs Redis less per event. At 2,000 the flushes were cut
     * at 2,000 records whatever the load, and at 80 K events/s the lag grew (README, Benchmarks, "Flushes that
     * grow with the load").
     */
    public static final int DEFAULT_FLUSH_RECORDS = 10_000;

    public static SpeedConfig fromEnv() {
        return from(Env.system());
    }

    public static SpeedConfig from(Env env) {
        Endpoints e = Endpoints.from(env);
        String trigger = env.string("NOWCAST_SPEED_TRIGGER", REALTIME);
        // Real-time mode keeps one task per Kafka partition running for the whole batch; the catalog and
        // master-dataset queries need task slots beside them.
        int partitions = env.integer("NOWCAST_ACTIVITY_PARTITIONS", 2, 1, 64);
        String queries = env.string("NOWCAST_SPEED_QUERIES", ALL);
        // The master dataset alone (archive) runs micro-batches only.
        String localMaster = trigger.equals(REALTIME) && !queries.equals(ARCHIVE)
                ? "local[" + (partitions + 2) + "]" : "local[*]";
        SpeedConfig c = new SpeedConfig(
                env.string("NOWCAST_SPARK_MASTER", localMaster),
                e.kafkaBootstrap(), e.redisHost(), e.redisPort(), e.redisPrefix(),
                Path.of(env.string("NOWCAST_DATA_DIR", ".nowcast")).toAbsolutePath().toString(),
                trigger,
                env.integer("NOWCAST_SPEED_CHECKPOINT_SECONDS", 120, 1, 3_600),
                env.integer("NOWCAST_SPEED_TRENDING_FLUSH_MS", 5, 1, 10_000),
                env.integer("NOWCAST_SPEED_FLUSH_MS", 50, 1, 10_000),
                env.integer("NOWCAST_SPEED_FLUSH_RECORDS", DEFAULT_FLUSH_RECORDS, 1, 1_000_000),
                env.integer("NOWCAST_LATENESS_SECONDS", 900, 0, 7 * 86_400) * 1000L,
                env.integer("NOWCAST_FUTURE_SKEW_SECONDS", 300, 0, 86_400) * 1000L,
                env.integer("NOWCAST_INTEREST_BUCKET_SECONDS", 300, 1, 86_400) * 1000L,
                env.integer("NOWCAST_BOUGHT_LOOKBACK_DAYS", 90, 1, 3650) * 86_400_000L,
                env.integer("NOWCAST_RECOMMENDATIONS", 20, 1, 500),
                env.integer("NOWCAST_SPEED_SHUFFLE_PARTITIONS", 2, 1, 1000),
                env.string("NOWCAST_SPEED_STARTING_OFFSETS", "earliest"),
                env.string("NOWCAST_MASTER_DATASET", "on").equals("off") ? null
                        : env.string("NOWCAST_MASTER_EVENTS", io.nowcast.master.MasterDataset.defaultLocation(
                                Path.of(env.string("NOWCAST_DATA_DIR", ".nowcast")).toAbsolutePath().toString()).toString()),
                queries,
                switch (env.string("NOWCAST_SPEED_REFRESHER", "on")) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new Env.ConfigException("NOWCAST_SPEED_REFRESHER=" + env.string("NOWCAST_SPEED_REFRESHER", "on")
                            + " must be on or off");
                },
                // After each round the refresher rests this share of the round's time (README, "Configuration").
                env.integer("NOWCAST_REFRESHER_REST_PERCENT", io.nowcast.activity.RecommendationRefresher.DEFAULT_REST_PERCENT, 0, 1_000),
                // While the users lane is this far behind Kafka, the refresher yields (README, "Configuration").
                env.integer("NOWCAST_REFRESHER_YIELD_MS", io.nowcast.activity.RecommendationRefresher.DEFAULT_YIELD_MS, 0, 3_600_000));
        if (!trigger.equals(REALTIME) && !trigger.equals(MICROBATCH) && !trigger.equals(AVAILABLE_NOW)) {
            throw new Env.ConfigException("NOWCAST_SPEED_TRIGGER=" + trigger + " must be realtime, microbatch or available-now");
        }
        if (!c.queries().equals(ALL) && !c.queries().equals(FRESH) && !c.queries().equals(ARCHIVE)) {
            throw new Env.ConfigException("NOWCAST_SPEED_QUERIES=" + c.queries() + " must be all, fresh or archive");
        }
        if (c.queries().equals(ARCHIVE) && c.masterDataset() == null) {
            throw new Env.ConfigException("NOWCAST_SPEED_QUERIES=archive runs only the master dataset, which NOWCAST_MASTER_DATASET=off turns off");
        }
        env.check();
        return c;
    }

    public ActivityApplier.Settings activitySettings() {
        return new ActivityApplier.Settings(Duration.ofMillis(latenessMs), Duration.ofMillis(interestBucketMs),
                Duration.ofHours(48), Duration.ofHours(25), Duration.ofMillis(boughtLookbackMs), 200);
    }

    /** Where the job keeps its checkpoints: under the data folder, one per query. */
    public Path checkpoint(String query) {
        return Path.of(dataDir).resolve("checkpoints").resolve("speed-layer").resolve(query);
    }

    /**
     * The master dataset: every valid event, Parquet partitioned by event date. Input of the batch layer.
     * NOWCAST_MASTER_EVENTS (any Hadoop path), by default under the data folder; null when
     * NOWCAST_MASTER_DATASET=off (another job archives the events).
     */
    public String masterDataset() {
        return masterEvents;
    }

    /** Whether this job keeps Redis fresh (the activity and catalog queries). */
    public boolean runsFresh() {
        return !queries.equals(ARCHIVE);
    }

    /**
     * Whether this job runs the refresher of per-user keys (in its driver). NOWCAST_SPEED_REFRESHER=off
     * when another process runs it ({@code RefresherMain}): {@code ./nowcast up} does, at a lower priority.
     */
    public boolean runsRefresher() {
        return refresher && runsFresh();
    }

    /** Whether this job appends the master dataset. */
    public boolean runsArchive() {
        return masterEvents != null && !queries.equals(FRESH);
    }
}
