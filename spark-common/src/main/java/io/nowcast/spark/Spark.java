package io.nowcast.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession both jobs use, with the settings that were measured to matter on this kind
 * of machine (../shared/FACTS.md). Under spark-submit the master comes from the submit command.
 */
public final class Spark {
    private Spark() {}

    /**
     * @param master {@code local[*]} and the like for local runs, or null to take spark-submit's
     * @param shufflePartitions fixed into a streaming checkpoint once one exists, so choose it before the first run
     */
    public static SparkSession session(String appName, String master, int shufflePartitions) {
        SparkSession.Builder b = SparkSession.builder().appName(appName)
                .config("spark.sql.shuffle.partitions", shufflePartitions)
                .config("spark.sql.adaptive.enabled", "false")
                .config("spark.locality.wait", "0")
                .config("spark.sql.session.timeZone", "UTC")
                // Parquet timestamps as INT64 microseconds (the legacy INT96 is slower to write; both read back the same).
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                // Hadoop forks a chmod per checkpoint file otherwise: about 30 ms a micro-batch.
                .config("spark.sql.streaming.checkpointFileManagerClass",
                        "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager")
                .config("spark.hadoop.fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem")
                .config("spark.sql.streaming.pollingDelay", "1");
        // Under spark-submit the master is the submit command's (it sets spark.master); never override it.
        if (master != null && master.startsWith("local") && System.getProperty("spark.master") == null) {
            // Otherwise Spark binds to the first non-loopback address it finds.
            b.master(master)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        return b.getOrCreate();
    }
}
