package io.nowcast.speed;

import io.nowcast.activity.ActivityTopic;
import io.nowcast.activity.ActivityWriter;
import io.nowcast.activity.RecommendationRefresher;
import io.nowcast.catalog.CatalogRemerge;
import io.nowcast.catalog.CatalogWriter;
import io.nowcast.events.KafkaEvents;
import io.nowcast.master.MasterDataset;
import io.nowcast.redis.RedisKeys;
import io.nowcast.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The speed layer's three streaming queries: activity → Redis (real-time mode or micro-batches),
 * catalog → Redis, and activity → master dataset. Each has its own checkpoint under the data folder.
 */
public final class SpeedQueries {
    public static final String ACTIVITY = "activity";
    public static final String CATALOG = "catalog";
    public static final String MASTER = "master";

    private SpeedQueries() {}

    /** Starts the queries NOWCAST_SPEED_QUERIES asks for (SpeedConfig#runsFresh, #runsArchive). */
    public static List<StreamingQuery> start(SparkSession spark, SpeedConfig c) throws TimeoutException {
        List<StreamingQuery> started = new java.util.ArrayList<>();
        if (c.runsFresh()) {
            CatalogRemerge.of(c).check(); // a re-merge a crash cut short
            if (c.runsRefresher()) {
                // The one refresher of per-user keys; it also finishes what a crashed run left queued.
                RecommendationRefresher.start(c);
            }
            StreamingQuery catalog = catalog(spark, c);
            if (c.trigger().equals(SpeedConfig.AVAILABLE_NOW)) {
                // A backfill joins views to the catalog as it stands, so the catalog goes first.
                try {
                    catalog.awaitTermination();
                } catch (org.apache.spark.sql.streaming.StreamingQueryException e) {
                    throw new IllegalStateException("the catalog query failed", e);
                }
            }
            started.add(catalog);
            started.add(activity(spark, c));
        }
        if (c.runsArchive()) {
            started.add(master(spark, c));
        }
        return started;
    }

    /**
     * Waits for the queries of a bounded run ({@code available-now}) to end, then for the refresher (when
     * this job runs it) to merge every user they queued: the run ends with every changed user's key written.
     */
    public static void awaitBounded(SpeedConfig c, List<StreamingQuery> queries) throws org.apache.spark.sql.streaming.StreamingQueryException, InterruptedException {
        for (StreamingQuery q : queries) {
            q.awaitTermination();
        }
        if (c.runsRefresher()) {
            RecommendationRefresher.start(c).drain();
        }
    }

    private static Trigger trigger(SpeedConfig c, boolean lowLatency) {
        return switch (c.trigger()) {
            case SpeedConfig.AVAILABLE_NOW -> Trigger.AvailableNow();
            // A real-time batch's duration is its checkpoint interval, not a latency: records flow through
            // as they come, and only between batches does the query pause (about 0.4 s here) to commit.
            case SpeedConfig.REALTIME -> lowLatency ? Trigger.RealTime(c.checkpointSeconds() + " seconds") : Trigger.ProcessingTime(10_000);
            default -> lowLatency ? Trigger.ProcessingTime(0) : Trigger.ProcessingTime(10_000);
        };
    }

    static StreamingQuery activity(SparkSession spark, SpeedConfig c) throws TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.kafkaBootstrap()))) {
            ActivityTopic.adopt(Connections.redis(c), new RedisKeys(c.redisPrefix()), admin, Topics.USER_ACTIVITY);
        }
        return KafkaEvents.read(spark, c.kafkaBootstrap(), Topics.USER_ACTIVITY, c.startingOffsets())
                .writeStream().queryName(ACTIVITY)
                .outputMode("update")
                .foreach(new ActivityWriter(c))
                .option("checkpointLocation", c.checkpoint(ACTIVITY).toString())
                .trigger(trigger(c, true))
                .start();
    }

    static StreamingQuery catalog(SparkSession spark, SpeedConfig c) throws TimeoutException {
        return KafkaEvents.read(spark, c.kafkaBootstrap(), Topics.PRODUCT_CATALOG, "earliest")
                .writeStream().queryName(CATALOG)
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    batch.foreachPartition(new CatalogPartition(c));
                    CatalogRemerge.of(c).check();
                })
                .option("checkpointLocation", c.checkpoint(CATALOG).toString())
                .trigger(c.trigger().equals(SpeedConfig.AVAILABLE_NOW) ? Trigger.AvailableNow() : Trigger.ProcessingTime(1_000))
                .start();
    }

    static StreamingQuery master(SparkSession spark, SpeedConfig c) throws TimeoutException {
        // Appended as they come, once per Kafka record: readers de-duplicate by event_id (MasterDataset.read).
        return MasterDataset.validEvents(
                        KafkaEvents.read(spark, c.kafkaBootstrap(), Topics.USER_ACTIVITY, c.startingOffsets()).select(KafkaEvents.VALUE), c.futureSkewMs())
                .writeStream().queryName(MASTER)
                .format("parquet")
                .options(MasterDataset.WRITE_OPTIONS)
                .partitionBy(MasterDataset.EVENT_DATE)
                .option("path", c.masterDataset().toString())
                .option("checkpointLocation", c.checkpoint(MASTER).toString())
                .trigger(trigger(c, false))
                .start();
    }

    /** Applies one partition of a catalog micro-batch, in Kafka order, pipelined; done when Redis has all of it. */
    private static final class CatalogPartition implements ForeachPartitionFunction<Row> {
        private final SpeedConfig config;

        CatalogPartition(SpeedConfig config) {
            this.config = config;
        }

        @Override
        public void call(java.util.Iterator<Row> rows) {
            CatalogWriter writer = new CatalogWriter(Connections.redis(config), new RedisKeys(config.redisPrefix()));
            while (rows.hasNext()) {
                Row r = rows.next();
                byte[] value = (byte[]) r.get(r.fieldIndex(KafkaEvents.VALUE));
                writer.apply(r.getString(r.fieldIndex(KafkaEvents.KEY)),
                        value == null ? null : new String(value, java.nio.charset.StandardCharsets.UTF_8));
            }
            writer.flush();
        }
    }
}
