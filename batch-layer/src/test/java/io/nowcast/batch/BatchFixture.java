package io.nowcast.batch;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.db.TestDatabase;
import io.nowcast.events.Event;
import io.nowcast.master.MasterDataset;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import redis.clients.jedis.RedisClient;

/**
 * What the batch-layer integration tests share: a fresh PostgreSQL database, a Redis prefix of their
 * own, a master dataset written directly as Parquet from fixture events, and the job's configuration.
 */
final class BatchFixture implements AutoCloseable {
    final TestDatabase db;
    final String prefix;
    final RedisKeys keys;
    final RedisClient redis;
    final Path dir;
    final Path master;
    final Path history;

    BatchFixture(String test) {
        Endpoints e = TestServers.redis();
        db = TestDatabase.create(test);
        prefix = TestServers.uniquePrefix(test);
        keys = new RedisKeys(prefix);
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        try {
            dir = Files.createTempDirectory("nowcast-batch-" + test);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        master = dir.resolve("master");
        history = dir.resolve("history");
    }

    static SparkSession spark() {
        return io.nowcast.spark.Spark.session("batch-test", "local[2]", 4);
    }

    /** Appends events to the master dataset, as the speed layer would have. */
    void append(SparkSession spark, List<Event> events) {
        List<Row> rows = new ArrayList<>();
        events.forEach(e -> rows.add(MasterDataset.row(e)));
        spark.createDataFrame(rows, MasterDataset.SCHEMA).write().mode(SaveMode.Append)
                .partitionBy(MasterDataset.EVENT_DATE).parquet(master.toString());
    }

    void catalog(String... productIds) {
        redis.sadd(keys.products(), productIds);
    }

    /** The job's variables for this fixture, plus {@code extra}. */
    Map<String, String> env(Map<String, String> extra) {
        Endpoints e = db.endpoints();
        Map<String, String> env = new HashMap<>();
        env.put("NOWCAST_REDIS_HOST", e.redisHost());
        env.put("NOWCAST_REDIS_PORT", Integer.toString(e.redisPort()));
        env.put("NOWCAST_REDIS_PREFIX", prefix);
        env.put("NOWCAST_PG_URL", e.postgresUrl());
        env.put("NOWCAST_PG_USER", e.postgresUser());
        env.put("NOWCAST_PG_PASSWORD", e.postgresPassword());
        env.put("NOWCAST_MASTER_EVENTS", master.toString());
        env.put("NOWCAST_MASTER_HISTORY", history.toString());
        env.put("NOWCAST_SPARK_MASTER", "local[2]");
        env.put("NOWCAST_BATCH_SHUFFLE_PARTITIONS", "4");
        env.putAll(extra);
        return env;
    }

    BatchConfig config(Map<String, String> extra) {
        return BatchConfig.from(new Env(env(extra)));
    }

    /** Every key under this fixture's prefix. */
    Set<String> allKeys() {
        return TestServers.keys(redis, prefix);
    }

    @Override
    public void close() {
        TestServers.deleteKeys(redis, prefix);
        redis.close();
        db.close();
        // The master dataset and history written under the temporary folder, deepest first.
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
