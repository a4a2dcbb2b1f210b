package io.nowcast.batch;

import io.nowcast.spark.Spark;
import org.apache.spark.sql.SparkSession;

/**
 * The batch layer's entry point (the shaded jar's main class): one run now, then exit. Exit status 0
 * when it published, 1 when it failed (the run log says why), 3 when another run was in progress.
 * {@code ./nowcast batch run} and spark-submit start it; {@link BatchScheduler} runs it on a cron.
 */
public final class BatchJob {
    private BatchJob() {}

    public static void main(String[] args) {
        String trigger = args.length > 0 ? args[0] : "cli";
        BatchConfig config = BatchConfig.fromEnv();
        SparkSession spark = Spark.session("nowcast-batch-layer", config.master(), config.shufflePartitions());
        BatchRunner.Outcome outcome;
        try {
            outcome = new BatchRunner(spark, config).run(trigger);
        } finally {
            spark.stop();
        }
        System.out.println(report(outcome));
        System.exit(outcome.refused() ? 3 : outcome.succeeded() ? 0 : 1);
    }

    static String report(BatchRunner.Outcome o) {
        if (o.refused()) {
            return "nowcast: batch run refused: " + o.error();
        }
        if (!o.succeeded()) {
            return "nowcast: batch run " + o.runId() + " failed: " + o.error() + " (the previous version stays live)";
        }
        var s = o.stats();
        return "nowcast: batch run " + o.runId() + " published version " + o.version() + ": " + s.purchases() + " purchases, "
                + s.baskets() + " baskets, " + s.pairs() + " pairs, " + s.users() + " users";
    }
}
