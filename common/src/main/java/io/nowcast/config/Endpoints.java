package io.nowcast.config;

/**
 * Where the shared servers are: Kafka, Redis and PostgreSQL. Every process reads them the same way,
 * from the same variables, with defaults that work on one machine. The README lists the variables.
 */
public record Endpoints(
        String kafkaBootstrap,
        String redisHost,
        int redisPort,
        String redisPrefix,
        String postgresUrl,
        String postgresUser,
        String postgresPassword) implements java.io.Serializable {

    public static final String KAFKA_BOOTSTRAP = "NOWCAST_KAFKA_BOOTSTRAP";
    public static final String KAFKA_PORT = "NOWCAST_KAFKA_PORT";
    public static final String REDIS_HOST = "NOWCAST_REDIS_HOST";
    public static final String REDIS_PORT = "NOWCAST_REDIS_PORT";
    public static final String REDIS_PREFIX = "NOWCAST_REDIS_PREFIX";
    public static final String PG_URL = "NOWCAST_PG_URL";
    public static final String PG_USER = "NOWCAST_PG_USER";
    public static final String PG_PASSWORD = "NOWCAST_PG_PASSWORD";

    /** The same servers under another Redis key prefix. */
    public Endpoints withRedisPrefix(String prefix) {
        return new Endpoints(kafkaBootstrap, redisHost, redisPort, prefix, postgresUrl, postgresUser, postgresPassword);
    }

    /** The {@code NOWCAST_*} variables that name these endpoints: what {@link #from} reads, for a process to be started with. */
    public java.util.Map<String, String> env() {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        env.put(KAFKA_BOOTSTRAP, kafkaBootstrap);
        env.put(REDIS_HOST, redisHost);
        env.put(REDIS_PORT, Integer.toString(redisPort));
        env.put(REDIS_PREFIX, redisPrefix);
        env.put(PG_URL, postgresUrl);
        env.put(PG_USER, postgresUser);
        if (postgresPassword != null && !postgresPassword.isEmpty()) {
            env.put(PG_PASSWORD, postgresPassword);
        }
        return env;
    }

    /** Reads the endpoints; call {@link Env#check()} afterwards. */
    public static Endpoints from(Env env) {
        int kafkaPort = env.port(KAFKA_PORT, 9092);
        return new Endpoints(
                env.string(KAFKA_BOOTSTRAP, "127.0.0.1:" + kafkaPort),
                env.string(REDIS_HOST, "127.0.0.1"),
                env.port(REDIS_PORT, 6379),
                env.string(REDIS_PREFIX, ""),
                env.string(PG_URL, "jdbc:postgresql://127.0.0.1:5432/nowcast"),
                env.string(PG_USER, "postgres"),
                env.string(PG_PASSWORD, ""));
    }
}
