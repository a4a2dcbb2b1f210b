package io.nowcast.batch;

import io.nowcast.redis.RedisKeys;
import redis.clients.jedis.RedisClient;

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
 * is refused and logged; the next one comes at the next tick. A run asked for now (the dashboard's
 * "run now" pushes onto {@code batch:run_requests}) starts within a couple of seconds.
 */
public final class BatchScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScheduler.class);

    /** How often the scheduler looks for a run asked for now. */
    static final long POLL_MS = 2_000;

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
        RedisKeys keys = new RedisKeys(config.endpoints().redisPrefix());
        try (RedisClient redis = RedisClient.create(config.endpoints().redisHost(), config.endpoints().redisPort())) {
            ZonedDateTime at = next(schedule, ZonedDateTime.now(ZoneOffset.UTC));
            while (true) {
                String trigger = null;
                try {
                    String asked = redis.rpop(keys.batchRunRequests());
                    if (asked != null) {
                        trigger = "dashboard:" + asked;
                    }
                } catch (RuntimeException e) {
                    LOG.warn("cannot read batch run requests from Redis: {}", e.getMessage());
                }
                ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
                if (trigger == null && !now.isBefore(at)) {
                    trigger = "schedule";
                }
                if (trigger == null) {
                    Thread.sleep(Math.min(POLL_MS, Math.max(1, Duration.between(now, at).toMillis() + 1)));
                    continue;
                }
                try {
                    System.out.println(BatchJob.report(runner.run(trigger)));
                } catch (RuntimeException e) {
                    // The database or Redis may be down for a moment; the next tick tries again.
                    LOG.error("batch run ({}) could not start: {}", trigger, e.getMessage(), e);
                }
                if (trigger.equals("schedule")) {
                    at = next(schedule, ZonedDateTime.now(ZoneOffset.UTC));
                    LOG.info("next batch run at {}", at);
                }
            }
        }
    }
}
