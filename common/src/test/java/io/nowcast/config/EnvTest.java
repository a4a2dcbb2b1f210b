package io.nowcast.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {
    @Test
    void defaultsWorkOnOneMachine() {
        Env env = new Env(Map.of());
        Endpoints e = Endpoints.from(env);
        env.check();
        assertEquals("127.0.0.1:9092", e.kafkaBootstrap());
        assertEquals("127.0.0.1", e.redisHost());
        assertEquals(6379, e.redisPort());
        assertEquals("", e.redisPrefix());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/nowcast", e.postgresUrl());
    }

    @Test
    void kafkaPortMovesTheDefaultBootstrapAndAnExplicitBootstrapWins() {
        assertEquals("127.0.0.1:19092", Endpoints.from(new Env(Map.of("NOWCAST_KAFKA_PORT", "19092"))).kafkaBootstrap());
        assertEquals("k1:9092,k2:9092", Endpoints.from(new Env(Map.of(
                "NOWCAST_KAFKA_PORT", "19092", "NOWCAST_KAFKA_BOOTSTRAP", "k1:9092,k2:9092"))).kafkaBootstrap());
    }

    @Test
    void reportsEveryBadVariableAtOnce() {
        Env env = new Env(Map.of("NOWCAST_REDIS_PORT", "sixty", "NOWCAST_KAFKA_PORT", "70000"));
        Endpoints.from(env);
        env.required("NOWCAST_SECRET");
        Env.ConfigException e = assertThrows(Env.ConfigException.class, env::check);
        assertTrue(e.getMessage().contains("NOWCAST_REDIS_PORT=sixty is not an integer"), e.getMessage());
        assertTrue(e.getMessage().contains("NOWCAST_KAFKA_PORT=70000 is out of range"), e.getMessage());
        assertTrue(e.getMessage().contains("NOWCAST_SECRET is required"), e.getMessage());
    }

    @Test
    void endpointsWrittenAsVariablesReadBackTheSame() {
        Endpoints e = new Endpoints("k:1", "r", 7, "p:", "jdbc:postgresql://h:1/d", "u", "secret");
        assertEquals(e, Endpoints.from(new Env(e.env())));
        Endpoints other = e.withRedisPrefix("q:");
        assertEquals("q:", other.redisPrefix());
        assertEquals(e.kafkaBootstrap(), other.kafkaBootstrap());
        assertEquals(false, new Endpoints("k:1", "r", 7, "", "u", "u", "").env().containsKey(Endpoints.PG_PASSWORD));
    }
}
