package io.nowcast.events;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The speed layer's source: a Kafka topic as a stream of raw records. Values stay bytes here, so a
 * record that is not even text still reaches the dead-letter topic with its bytes intact.
 */
public final class KafkaEvents {
    public static final String KEY = "key";
    public static final String VALUE = "value";
    public static final String PARTITION = "partition";
    public static final String OFFSET = "offset";

    private KafkaEvents() {}

    /**
     * @param startingOffsets {@code earliest} or {@code latest}; only used when no checkpoint exists yet
     */
    public static Dataset<Row> read(SparkSession spark, String bootstrap, String topic, String startingOffsets) {
        return spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", startingOffsets)
                // Freshness: hand records over as soon as one arrives (FACTS.md, micro-batch tuning).
                .option("kafka.fetch.min.bytes", "1")
                .option("kafka.fetch.max.wait.ms", "5")
                .load()
                .selectExpr("CAST(key AS STRING) AS " + KEY, VALUE, PARTITION, OFFSET);
    }
}
