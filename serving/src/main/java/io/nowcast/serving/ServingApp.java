package io.nowcast.serving;

import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.nowcast.config.Env;
import io.nowcast.db.Database;
import io.nowcast.redis.RedisKeys;
import io.nowcast.rules.RuleChanges;
import io.nowcast.rules.RuleStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The REST API process: Javalin on {@code NOWCAST_SERVING_HOST:NOWCAST_SERVING_PORT} over Redis (reads),
 * Kafka (event intake) and PostgreSQL (rules). Starts without PostgreSQL (rules then stay as cached in
 * Redis, and /health says so). {@code ./nowcast up} runs it; {@code main} is for a cluster.
 */
public final class ServingApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingApp.class);
    /** Per-user keys cached in the process: about 2 KB each, so at most a few hundred MB of heap. */
    static final int MAX_CACHED_KEYS = 100_000;

    private final Javalin app;
    private final RedisClient redis;
    private final Producer<String, String> producer;
    private final Admin admin;
    private final RuleChanges rules;
    private final PipelinedReads reads;
    private final TrackedValues cache;
    private final ReadApi read;

    private ServingApp(ServingConfig config) {
        var e = config.endpoints();
        RedisKeys keys = new RedisKeys(e.redisPrefix());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        redis = RedisClient.builder().hostAndPort(e.redisHost(), e.redisPort()).poolConfig(pool).build();
        producer = new KafkaProducer<>(producerProperties(e.kafkaBootstrap()));
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000));
        Database db = Database.of(e);
        rules = new RuleChanges(new RuleStore(db), redis, keys, config.recommendations());
        try {
            db.migrate();
            rules.sync();
        } catch (RuntimeException ex) {
            LOG.warn("PostgreSQL is not usable ({}); rules stay as cached in Redis until it is", ex.getMessage());
        }

        Metrics metrics = new Metrics();
        reads = new PipelinedReads(redis, 4);
        cache = new TrackedValues(e.redisHost(), e.redisPort(), TrackedValues.servingPrefixes(keys), MAX_CACHED_KEYS, ReadApi.STALE_MILLIS);
        metrics.track(cache);
        read = new ReadApi(redis, keys, config.recommendations(), metrics, reads, cache);
        EventsApi events = new EventsApi(producer, config.maxEvents(), metrics);
        RulesApi rulesApi = new RulesApi(rules, config.adminToken(), () -> cache.invalidate(keys.rulesVersion()));
        HealthApi health = new HealthApi(admin, redis, keys, db, config.staleSeconds(), metrics);
        byte[] openapi = resource("openapi.yaml");

        app = Javalin.create(c -> {
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.http.maxRequestSize = config.maxBodyBytes();
            c.startup.showJavalinBanner = false;
            // Answers are a few KB of JSON; compressing each costs more CPU than it saves on a LAN or loopback.
            c.http.compressionStrategy = io.javalin.compression.CompressionStrategy.NONE;
            // A small pool: more threads than cores only contend for Jetty's locks here (profiled).
            c.jetty.threadPool = new org.eclipse.jetty.util.thread.QueuedThreadPool(config.threads(), Math.min(8, config.threads()));
            // Requests Jetty refuses before Javalin sees them (a bad URI, say) get JSON too, without stacks.
            c.jetty.modifyServer(server -> {
                org.eclipse.jetty.server.handler.ErrorHandler errors = new org.eclipse.jetty.server.handler.ErrorHandler();
                errors.setDefaultResponseMimeType("application/json");
                errors.setShowStacks(false);
                server.setErrorHandler(errors);
                // Javalin attaches its servlet context inside this wrapper, which answers the hot route first.
                server.setHandler(new RecommendationsHandler(read, metrics));
            });
            c.requestLogger.http((ctx, ms) -> metrics.request(ctx.method().name(), route(ctx), ctx.statusCode(), ms));
            c.routes.get(ApiPaths.RECOMMENDATIONS, read::recommendations);
            c.routes.get(ApiPaths.TRENDING, read::trending);
            c.routes.get(ApiPaths.BOUGHT_TOGETHER, read::boughtTogether);
            c.routes.post(ApiPaths.EVENTS, events::post);
            c.routes.get(ApiPaths.RULES, rulesApi::list);
            c.routes.put(ApiPaths.RULE, rulesApi::put);
            c.routes.delete(ApiPaths.RULE, rulesApi::delete);
            c.routes.get(ApiPaths.HEALTH, health::health);
            c.routes.get(ApiPaths.METRICS, health::metrics);
            c.routes.get(ApiPaths.OPENAPI, ctx -> ctx.contentType("application/yaml").result(openapi));
            // Most specific first, as Javalin matches them; every one answers as ErrorAnswer says.
            c.routes.exception(ApiException.class, ServingApp::error);
            c.routes.exception(HttpResponseException.class, ServingApp::error);
            c.routes.exception(JedisException.class, ServingApp::error);
            c.routes.exception(Database.DatabaseException.class, ServingApp::error);
            c.routes.exception(Exception.class, ServingApp::error);
        });
    }

    /** The matched route template, or "unmatched" (the label must not carry raw paths). */
    private static String route(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static void error(Exception ex, io.javalin.http.Context ctx) {
        ErrorAnswer a = ErrorAnswer.of(ex, ctx.method().name(), ctx.path());
        ctx.status(a.status()).contentType("application/json").result(a.json());
    }

    private static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 12_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ServingApp.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the serving jar");
            }
            return in.readAllBytes();
        } catch (IOException ex) {
            throw new IllegalStateException("reading " + name, ex);
        }
    }

    /** Starts the API; port 0 picks a free one (tests). */
    public static ServingApp start(ServingConfig config) {
        ServingApp s = new ServingApp(config);
        s.app.start();
        LOG.info("nowcast: serving started on http://{}:{}", config.host(), s.port());
        return s;
    }

    public int port() {
        return app.port();
    }

    /** Waits for the background re-merge after the last rule change (tests). */
    public void awaitRulesRemerge() throws Exception {
        rules.awaitRemerge();
    }

    @Override
    public void close() {
        app.stop();
        read.close();
        cache.close();
        reads.close();
        rules.close();
        producer.close();
        admin.close();
        redis.close();
    }

    public static void main(String[] args) {
        ServingConfig config;
        try {
            config = ServingConfig.from(Env.system());
        } catch (Env.ConfigException e) {
            System.err.println("nowcast serving: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServingApp s = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close, "nowcast-serving-stop"));
    }
}
