package io.nowcast.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Spark 4.2 runs on JDK 17 with the module options from the parent POM's argLine. */
class SparkTest {
    @Test
    void localSessionRunsAShuffleOnLoopback() {
        SparkSession spark = Spark.session("spark-test", "local[2]", 2);
        try {
            assertEquals("127.0.0.1", spark.conf().get("spark.driver.host"));
            assertEquals("2", spark.conf().get("spark.sql.shuffle.partitions"));
            Dataset<String> words = spark.createDataset(List.of("a", "b", "a", "c", "a"), Encoders.STRING());
            List<Row> counts = words.groupBy("value").count().orderBy("value").collectAsList();
            assertEquals(3, counts.size());
            assertEquals("a", counts.get(0).getString(0));
            assertEquals(3L, counts.get(0).getLong(1));
        } finally {
            spark.stop();
        }
    }
}
