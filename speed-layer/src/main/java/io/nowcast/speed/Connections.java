package io.nowcast.speed;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.RedisClient;

/**
 * One Redis client and one dead-letter producer per executor JVM, shared by every task: both are
 * thread-safe, and opening them per task would cost more than the task's work.
 */
public final class Connections {
    private static final Map<String, RedisClient> REDIS = new ConcurrentHashMap<>();
    private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

    private Connections() {}

    public static RedisClient redis(SpeedConfig c) {
        return REDIS.computeIfAbsent(c.redisHost() + ":" + c.redisPort(), k -> RedisClient.create(c.redisHost(), c.redisPort()));
    }

    public static KafkaProducer<byte[], byte[]> producer(SpeedConfig c) {
        return PRODUCERS.computeIfAbsent(c.kafkaBootstrap(), b -> new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.CLIENT_ID_CONFIG, "nowcast-speed-dlq"),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }
}
