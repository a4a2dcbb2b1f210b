package io.nowcast.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Env;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {
    @Test
    void brokerBindsToLoopbackOnTheConfiguredPortsWithDataUnderTheDataFolder() {
        LocalKafka.Settings s = LocalKafka.Settings.from(new Env(Map.of(
                "NOWCAST_DATA_DIR", "/tmp/nowcast-x", "NOWCAST_KAFKA_PORT", "19092", "NOWCAST_KAFKA_CONTROLLER_PORT", "19093")));
        Properties p = LocalKafka.brokerProperties(s);
        assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.getProperty("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:19092", p.getProperty("advertised.listeners"));
        assertEquals("1@127.0.0.1:19093", p.getProperty("controller.quorum.voters"));
        assertEquals("broker,controller", p.getProperty("process.roles"));
        assertEquals(Path.of("/tmp/nowcast-x/kafka/log").toString(), p.getProperty("log.dirs"));
        assertEquals("false", p.getProperty("auto.create.topics.enable"), "topics come from Topics, never by accident");
        assertEquals("127.0.0.1:19092", s.bootstrap());
    }

    @Test
    void badPortsFailWithTheVariableNamed() {
        Env.ConfigException e = assertThrows(Env.ConfigException.class,
                () -> LocalKafka.Settings.from(new Env(Map.of("NOWCAST_KAFKA_PORT", "ninety"))));
        assertTrue(e.getMessage().contains("NOWCAST_KAFKA_PORT=ninety"), e.getMessage());
    }
}
