package io.nowcast.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.nowcast.cf.CfWriter;
import io.nowcast.copurchase.Baskets;
import io.nowcast.copurchase.CoPurchase;
import io.nowcast.copurchase.NeighbourTable;
import io.nowcast.copurchase.ProductIndex;
import io.nowcast.copurchase.Scoring;
import io.nowcast.db.Database;
import io.nowcast.master.MasterDataset;
import io.nowcast.publish.BatchPublisher;
import io.nowcast.recommend.RecommendationStore;
import io.nowcast.recommend.BatchJson;
import io.nowcast.redis.RedisKeys;
import io.nowcast.runs.BatchRun;
import io.nowcast.runs.BatchRunLog;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * One batch run, start to finish: take the run lock, log the run, read the look-back's purchases,
 * compute co-purchase neighbours and CF lists, write them as a new version, flip the pointer, log
 * the outcome. Whatever fails, the previous version stays live and the run log says why.
 */
public final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** How a run ended: refused (another run holds the lock), failed or succeeded. */
    public record Outcome(long runId, boolean refused, String version, String error, BatchRun.Stats stats) {
        public boolean succeeded() {
            return !refused && error == null;
        }
    }

    private final SparkSession spark;
    private final BatchConfig config;
    private final BatchRunLog runLog;

    public BatchRunner(SparkSession spark, BatchConfig config) {
        this.spark = spark;
        // A look-back is about 90 date folders: listing them on the driver takes milliseconds, while Spark's
        // default (a distributed listing job above 32 folders) took seconds here.
        spark.conf().set("spark.sql.sources.parallelPartitionDiscovery.threshold", "10000");
        this.config = config;
        this.runLog = new BatchRunLog(Database.of(config.endpoints()).migrate());
    }

    public BatchRunLog runLog() {
        return runLog;
    }

    public Outcome run(String trigger) {
        Optional<BatchRunLog.Lease> lease = runLog.tryLock();
        if (lease.isEmpty()) {
            String who = runLog.running().map(r -> "run " + r.runId() + " (" + r.trigger() + ", started " + r.startedAt() + ")")
                    .orElse("a run that is just starting");
            return new Outcome(-1, true, null, "another batch run is in progress: " + who + "; runs never overlap, try again when it ends", null);
        }
        try (BatchRunLog.Lease held = lease.get()) {
            long runId = runLog.start(trigger, host(), config.asOf(), config.lookbackDays());
            Progress progress = new Progress();
            try (RedisClient redis = RedisClient.create(config.endpoints().redisHost(), config.endpoints().redisPort())) {
                String version = compute(runId, redis, progress);
                BatchRun.Stats stats = progress.stats();
                runLog.succeed(runId, stats, version, progress.warnings());
                LOG.info("batch run {} published version {}: {}", runId, version, stats);
                if (version != null) {
                    remerge(redis, version);
                }
                return new Outcome(runId, false, version, null, stats);
            } catch (Exception e) {
                // Spark's SparkException is checked in Java's eyes yet thrown from everywhere.
                String error = describe(e);
                LOG.error("batch run {} failed: {}", runId, error, e);
                runLog.fail(runId, progress.stats(), progress.warnings(), error);
                return new Outcome(runId, false, null, error, progress.stats());
            }
        }
    }

    private String compute(long runId, RedisClient redis, Progress progress) {
        RedisKeys keys = new RedisKeys(config.endpoints().redisPrefix());
        BatchPublisher publisher = new BatchPublisher(redis, keys);
        for (String v : publisher.removeAbandoned()) {
            progress.warn("removed the keys of version " + v + ", left unpublished by a run that died");
        }
        step("start and clean-up");
        BatchInput input = BatchInput.locate(spark, List.of(config.masterDataset(), config.historyDataset()), config.asOf(),
                config.lookbackDays());
        step("list the master dataset");
        runLog.asOf(runId, input.to());
        progress.warn(input.missingDaysWarning());

        ProductIndex index = new ProductIndex(redis.smembers(keys.products()));
        if (index.size() == 0) {
            throw new BatchFailure("the catalog in Redis is empty (" + keys.products() + "): load the catalog first, "
                    + "since purchases are checked against it");
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Dataset<Row> withItems = Baskets.withItems(input.purchases(spark), index.asDataset(spark));
        Dataset<Row> lines = Baskets.lines(withItems);
        return computeFrom(runId, lines, withItems, index, input, publisher, jsc, progress);
    }

    private String computeFrom(long runId, Dataset<Row> lines, Dataset<Row> withItems, ProductIndex index, BatchInput input,
                               BatchPublisher publisher, JavaSparkContext jsc, Progress progress) {
        step("catalog");
        Dataset<Row> byUser = Baskets.byUser(lines, config.maxBasketItems()).cache();
        try {
            Row counts = byUser.agg(sum(col(Baskets.PURCHASES)), sum(col(Baskets.UNKNOWN))).first();
            long purchases = counts.isNullAt(0) ? 0 : counts.getLong(0);
            progress.purchases = purchases;
            step("read purchases and form baskets");
            if (purchases == 0) {
                throw new BatchFailure("no purchases from " + input.from() + " to " + input.to() + " in " + input.location());
            }
            progress.unknownPurchases = counts.getLong(1);
            if (progress.unknownPurchases > 0) {
                List<String> sample = withItems.where(col(Baskets.ITEM).lt(0)).select(MasterDataset.PRODUCT_ID).distinct().limit(5)
                        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
                progress.warn(progress.unknownPurchases + " purchases of products not in the catalog were left out (e.g. " + sample + ")");
            }
            if (progress.unknownPurchases == purchases) {
                throw new BatchFailure("none of the " + purchases + " purchases from " + input.from() + " to " + input.to()
                        + " is of a product in the catalog");
            }
            CoPurchase.Counts c = CoPurchase.count(byUser, index.size(), config.minSupport());
            step("pair counts");
            if (c.bulk() > 0) {
                progress.warn(c.bulk() + " baskets with more than " + config.maxBasketItems() + " products were left out as bulk orders");
            }
            progress.baskets = c.baskets();
            progress.products = c.products();
            NeighbourTable table = CoPurchase.top(index, c, Scoring.LLR, config.topK());
            progress.pairs = table.scoredPairs();
            step("scores and top K");
            if (table.pairs() == 0) {
                throw new BatchFailure("no two products share " + config.minSupport() + " or more of the " + progress.baskets
                        + " baskets from " + input.from() + " to " + input.to() + " more often than chance; nothing to publish");
            }
            return publish(runId, byUser, table, input, publisher, jsc, progress);
        } finally {
            byUser.unpersist();
        }
    }

    private String publish(long runId, Dataset<Row> byUser, NeighbourTable table, BatchInput input, BatchPublisher publisher,
                           JavaSparkContext jsc, Progress progress) {
        String old = publisher.current();
        String version = VERSION_TIME.format(Instant.now()) + "-r" + runId;
        Map<String, String> meta = new HashMap<>();
        meta.put("run_id", Long.toString(runId));
        meta.put("as_of", input.to().toString());
        meta.put("lookback_days", Integer.toString(config.lookbackDays()));
        meta.put("baskets", Long.toString(progress.baskets));
        meta.put("pairs", Long.toString(progress.pairs));
        publisher.begin(version, meta);

        Map<String, String> views = new HashMap<>();
        for (int i = 0; i < table.index().size(); i++) {
            if (table.neighboursOf(i).length > 0) {
                views.put(table.index().id(i), BatchJson.neighbours(table.of(i)));
            }
        }
        publisher.writeCopurchase(version, views, () -> CrashPoint.maybe(config, BatchConfig.CRASH_MID_COPURCHASE));
        step("write co-purchase");

        LongAccumulator users = spark.sparkContext().longAccumulator("cf users");
        byUser.foreachPartition(new CfWriter(config, version, jsc.broadcast(table), users));
        progress.users = users.value();
        step("CF lists");
        publisher.meta(version, "users", Long.toString(progress.users));

        CrashPoint.maybe(config, BatchConfig.CRASH_BEFORE_FLIP);
        publisher.flip(version, old, config.graceSeconds());
        CrashPoint.maybe(config, BatchConfig.CRASH_AFTER_FLIP);
        return version;
    }

    /**
     * Re-merges the per-user keys of everyone the new version may change: users with a key, and users
     * in its CF lists. The version is live before this starts (readers of the batch views see it at once);
     * keys follow within seconds. A failure here leaves the run succeeded: each key is merged again at
     * its user's next event, and the next publish retries.
     */
    private void remerge(RedisClient redis, String version) {
        RedisKeys keys = new RedisKeys(config.endpoints().redisPrefix());
        long t0 = System.nanoTime();
        try {
            int users = new RecommendationStore(redis, keys).refreshEveryone(config.recommendations(), keys.cf(version));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            new BatchPublisher(redis, keys).meta(version, "remerged_users", Integer.toString(users));
            LOG.info("batch version {}: re-merged the keys of {} users in {} ms", version, users, ms);
        } catch (RuntimeException e) {
            LOG.warn("batch version {} is live, but re-merging the per-user keys failed: {}", version, e.toString());
        }
    }

    static String describe(Throwable e) {
        if (e instanceof BatchFailure) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = firstLine(e.getMessage());
        String bottom = firstLine(root.getMessage());
        return root == e || bottom.isEmpty() || top.contains(bottom) ? top : top + " (caused by " + root.getClass().getSimpleName() + ": " + bottom + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private long mark = System.nanoTime();

    private void step(String what) {
        long now = System.nanoTime();
        LOG.info("batch step: {} took {} ms", what, (now - mark) / 1_000_000);
        mark = now;
    }

    /** What the run has counted so far; partial counts go into the run log when it fails. */
    private static final class Progress {
        Long purchases;
        Long unknownPurchases;
        Long baskets;
        Long products;
        Long pairs;
        Long users;
        final List<String> warnings = new ArrayList<>();

        void warn(String w) {
            if (w != null) {
                warnings.add(w);
                LOG.warn(w);
            }
        }

        String warnings() {
            return warnings.isEmpty() ? null : String.join("\n", warnings);
        }

        BatchRun.Stats stats() {
            return new BatchRun.Stats(purchases, unknownPurchases, baskets, products, pairs, users);
        }
    }
}
