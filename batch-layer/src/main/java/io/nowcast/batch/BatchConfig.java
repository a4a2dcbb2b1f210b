package io.nowcast.batch;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.master.MasterDataset;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Configuration of the batch job, from {@code NOWCAST_*} variables (README, "Configuration").
 * Serializable: the Redis writers run on the executors.
 */
public record BatchConfig(
        String master,
        Endpoints endpoints,
        String masterDataset,
        String historyDataset,
        int lookbackDays,
        LocalDate asOf,
        int minSupport,
        int topK,
        int cfSize,
        int recommendations,
        int maxBasketItems,
        int graceSeconds,
        int shufflePartitions,
        String cron,
        String crashAt) implements Serializable {

    /** Points where a test can make the job halt as if killed (NOWCAST_BATCH_CRASH_AT). */
    public static final String CRASH_MID_COPURCHASE = "mid-copurchase";
    public static final String CRASH_MID_CF = "mid-cf";
    public static final String CRASH_BEFORE_FLIP = "before-flip";
    public static final String CRASH_AFTER_FLIP = "after-flip";

    public static BatchConfig fromEnv() {
        return from(Env.system());
    }

    public static BatchConfig from(Env env) {
        Endpoints e = Endpoints.from(env);
        String dataDir = Path.of(env.string("NOWCAST_DATA_DIR", ".nowcast")).toAbsolutePath().toString();
        String asOf = env.string("NOWCAST_BATCH_AS_OF", "");
        LocalDate asOfDate = null;
        if (!asOf.isEmpty()) {
            try {
                asOfDate = LocalDate.parse(asOf);
            } catch (DateTimeParseException ex) {
                throw new Env.ConfigException("NOWCAST_BATCH_AS_OF=" + asOf + " must be a date like 2024-07-27");
            }
        }
        String crash = env.string("NOWCAST_BATCH_CRASH_AT", "");
        if (!crash.isEmpty() && !java.util.List.of(CRASH_MID_COPURCHASE, CRASH_MID_CF, CRASH_BEFORE_FLIP, CRASH_AFTER_FLIP).contains(crash)) {
            throw new Env.ConfigException("NOWCAST_BATCH_CRASH_AT=" + crash + " is not a crash point");
        }
        BatchConfig c = new BatchConfig(
                env.string("NOWCAST_SPARK_MASTER", "local[*]"),
                e,
                env.string("NOWCAST_MASTER_EVENTS", MasterDataset.defaultLocation(dataDir).toString()),
                env.string("NOWCAST_MASTER_HISTORY", MasterDataset.defaultHistoryLocation(dataDir).toString()),
                env.integer("NOWCAST_BATCH_LOOKBACK_DAYS", 90, 1, 3650),
                asOfDate,
                env.integer("NOWCAST_BATCH_MIN_SUPPORT", 2, 1, 1_000_000),
                env.integer("NOWCAST_BATCH_TOP_K", 50, 1, 1000),
                env.integer("NOWCAST_BATCH_CF_SIZE", 20, 1, 1000),
                env.integer("NOWCAST_RECOMMENDATIONS", 20, 1, 500),
                env.integer("NOWCAST_BATCH_MAX_BASKET_ITEMS", 100, 2, 100_000),
                env.integer("NOWCAST_BATCH_GRACE_SECONDS", 3600, 1, 7 * 86_400),
                env.integer("NOWCAST_BATCH_SHUFFLE_PARTITIONS", 8, 1, 10_000),
                env.string("NOWCAST_BATCH_CRON", "0 2 * * *"),
                crash);
        env.check();
        return c;
    }
}
