package io.nowcast.history;

import io.nowcast.batch.BatchConfig;
import io.nowcast.config.Env;
import io.nowcast.master.MasterDataset;
import io.nowcast.spark.Spark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Imports a shop's event history (JSON lines in the event format, a file or a folder of them) into
 * the master dataset's history root (NOWCAST_MASTER_HISTORY), so the first batch run has history to
 * learn from. Events are checked exactly
 * as the speed layer checks them; rejected lines are counted and reported. Duplicates of an
 * {@code event_id} within the import are dropped; importing the same file twice adds it twice.
 */
public final class HistoryImport {
    private HistoryImport() {}

    /** What an import read and wrote. */
    public record Result(long lines, long imported, long rejected) {}

    public static Result run(SparkSession spark, String input, String masterDataset) {
        Dataset<Row> text = spark.read().text(input);
        long lines = text.count();
        Dataset<Row> valid = MasterDataset.validEvents(text, 300_000);
        Dataset<Row> events = MasterDataset.deduplicated(valid)
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER());
        long imported = events.count();
        events.repartition(events.col(MasterDataset.EVENT_DATE)).write().mode(SaveMode.Append)
                .options(MasterDataset.WRITE_OPTIONS).partitionBy(MasterDataset.EVENT_DATE).parquet(masterDataset);
        events.unpersist();
        return new Result(lines, imported, lines - imported);
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: HistoryImport <events.jsonl file or folder>");
            System.exit(2);
        }
        BatchConfig config = BatchConfig.from(Env.system());
        SparkSession spark = Spark.session("nowcast-history-import", config.master(), config.shufflePartitions());
        try {
            Result r = run(spark, args[0], config.historyDataset());
            System.out.println("nowcast: imported " + r.imported() + " of " + r.lines() + " lines from " + args[0] + " into "
                    + config.historyDataset() + "; " + r.rejected() + " rejected (bad JSON, bad fields, future timestamps, or repeated event ids)");
        } finally {
            spark.stop();
        }
    }
}
