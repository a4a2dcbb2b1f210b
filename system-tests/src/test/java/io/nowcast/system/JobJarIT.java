package io.nowcast.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The shaded job jars are ready for spark-submit: our code and the Kafka source, but not Spark itself. */
class JobJarIT {
    private static Path jobJar(String module) {
        Path jar = Launcher.ROOT.resolve(module).resolve("target").resolve("nowcast-" + module + "-0.1.0-SNAPSHOT-job.jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar + "; run mvn package");
        return jar;
    }

    @Test
    void speedLayerJarCarriesTheKafkaSourceAndNoSpark() throws IOException {
        try (ZipFile jar = new ZipFile(jobJar("speed-layer").toFile())) {
            ZipEntry services = jar.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister");
            assertNotNull(services, "the Kafka source registers itself through META-INF/services");
            String text = new String(jar.getInputStream(services).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("org.apache.spark.sql.kafka010.KafkaSourceProvider"), text);
            assertNotNull(jar.getEntry("org/apache/kafka/clients/consumer/KafkaConsumer.class"));
            assertNotNull(jar.getEntry("io/nowcast/events/KafkaEvents.class"));
            assertSparkFree(jar);
        }
    }

    @Test
    void batchLayerJarCarriesOurCodeAndNoSpark() throws IOException {
        try (ZipFile jar = new ZipFile(jobJar("batch-layer").toFile())) {
            assertNotNull(jar.getEntry("io/nowcast/copurchase/LogLikelihood.class"));
            assertNotNull(jar.getEntry("io/nowcast/redis/RedisKeys.class"), "common is bundled");
            assertSparkFree(jar);
        }
    }

    private static void assertSparkFree(ZipFile jar) {
        assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/sql/SparkSession")), "Spark SQL is provided");
        assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/apache/spark/SparkContext")), "Spark core is provided");
        assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("scala/")), "Scala is provided");
        assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("org/apache/hadoop/")), "Hadoop is provided");
        assertEquals(0, jar.stream().filter(e -> e.getName().matches("META-INF/[^/]*\\.(SF|DSA|RSA)")).count(), "no signature files");
    }
}
