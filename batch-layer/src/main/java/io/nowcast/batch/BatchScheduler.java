package io.nowcast.batch;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.nowcast.spark.Spark;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the batch job on a cron expression (NOWCAST_BATCH_CRON, Unix syntax, UTC; nightly at 02:00 by
 * default) for the local stack: {@code ./nowcast up} starts it. A run that finds another in progress
 * is refused and logged; the next one comes at the next tick.
 */
public final class BatchScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

    private BatchScheduler() {}

    /** Parses a Unix cron expression, failing with a message that names the variable. */
    public static ExecutionTime schedule(String cron) {
        try {
            return ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX)).parse(cron).validate());
        } catch (IllegalArgumentException e) {
            throw new io.nowcast.config.Env.ConfigException("NOWCAST_BATCH_CRON=" + cron + " is not a Unix cron expression: " + e.getMessage());
        }
    }

    /** The next run after {@code now}. */
    public static ZonedDateTime next(ExecutionTime schedule, ZonedDateTime now) {
        return schedule.nextExecution(now).orElseThrow(() -> new IllegalStateException("the cron expression never fires"));
    }

    public static void main(String[] args) throws InterruptedException {
        BatchConfig config = BatchConfig.fromEnv();
        ExecutionTime schedule = schedule(config.cron());
        SparkSession spark = Spark.session("nowcast-batch-layer", config.master(), config.shufflePartitions());
        BatchRunner runner = new BatchRunner(spark, config);
        System.out.println("nowcast: batch scheduler started, cron '" + config.cron() + "' (UTC), next run "
                + next(schedule, ZonedDateTime.now(ZoneOffset.UTC)));
        while (true) {
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            ZonedDateTime at = next(schedule, now);
            Thread.sleep(Math.max(0, Duration.between(now, at).toMillis()) + 1);
            try {
                System.out.println(BatchJob.report(runner.run("schedule")));
            } catch (RuntimeException e) {
                // The database or Redis may be down for a moment; the next tick tries again.
                LOG.error("scheduled batch run could not start: {}", e.getMessage(), e);
            }
            LOG.info("next batch run at {}", next(schedule, ZonedDateTime.now(ZoneOffset.UTC)));
        }
    }
}
