package io.nowcast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.spark.Spark;
import io.nowcast.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka source against the real broker, run to completion with Trigger.AvailableNow. */
class KafkaEventsIT {
    @TempDir
    Path dir;

    @Test
    void readsEveryRecordWithKeyBytesPartitionAndOffset() throws Exception {
        String bootstrap = TestServers.kafka();
        String topic = "it_events_" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, "1", "{\"a\":1}")).get();
            p.send(new ProducerRecord<>(topic, "2", "not json")).get();
            p.send(new ProducerRecord<>(topic, "1", "{\"a\":3}")).get();
        }
        SparkSession spark = Spark.session("kafka-events-it", "local[2]", 2);
        try {
            StreamingQuery q = KafkaEvents.read(spark, bootstrap, topic, "earliest")
                    .writeStream().format("memory").queryName("events_it")
                    .option("checkpointLocation", Files.createDirectories(dir.resolve("ckpt")).toString())
                    .trigger(Trigger.AvailableNow()).start();
            q.awaitTermination(120_000);
            List<Row> rows = spark.sql("SELECT key, value, partition, offset FROM events_it ORDER BY key, offset").collectAsList();
            assertEquals(3, rows.size());
            assertEquals("1", rows.get(0).getString(0));
            assertEquals("{\"a\":1}", new String((byte[]) rows.get(0).get(1), StandardCharsets.UTF_8));
            assertEquals("{\"a\":3}", new String((byte[]) rows.get(1).get(1), StandardCharsets.UTF_8));
            assertEquals(rows.get(0).getInt(2), rows.get(1).getInt(2), "one key, one partition");
            assertEquals(rows.get(0).getLong(3) + 1, rows.get(1).getLong(3));
            assertEquals("not json", new String((byte[]) rows.get(2).get(1), StandardCharsets.UTF_8));
        } finally {
            spark.stop();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.deleteTopics(List.of(topic)).all().get();
            }
        }
    }
}
