package io.nowcast.testing;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Where integration tests find the real servers: the same {@code NOWCAST_*} variables as the apps
 * ({@code ./nowcast test} sets them). A server that cannot be reached fails the test with a message
 * saying how to start it; nothing is skipped.
 */
public final class TestServers {
    private TestServers() {}

    public static Endpoints endpoints() {
        Env env = Env.system();
        Endpoints e = Endpoints.from(env);
        env.check();
        return e;
    }

    /** The Kafka bootstrap servers, after checking that the broker accepts connections. */
    public static String kafka() {
        String bootstrap = endpoints().kafkaBootstrap();
        String first = bootstrap.split(",")[0];
        int colon = first.lastIndexOf(':');
        require("Kafka", first.substring(0, colon), Integer.parseInt(first.substring(colon + 1)),
                "run the tests with ./nowcast test, or start a broker with ./nowcast up and set NOWCAST_KAFKA_BOOTSTRAP");
        return bootstrap;
    }

    /** The Redis endpoint, after checking that it accepts connections. */
    public static Endpoints redis() {
        Endpoints e = endpoints();
        require("Redis", e.redisHost(), e.redisPort(), "start redis-server or set NOWCAST_REDIS_HOST/NOWCAST_REDIS_PORT");
        return e;
    }

    /** A key prefix no other test run uses, so tests can share one Redis. */
    public static String uniquePrefix(String test) {
        return "test:" + test + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    /** Every key under a test's prefix, sorted. */
    public static Set<String> keys(UnifiedJedis redis, String prefix) {
        Set<String> out = new TreeSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> r = redis.scan(cursor, new ScanParams().match(prefix + "*").count(1000));
            out.addAll(r.getResult());
            cursor = r.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }

    /** Deletes every key under a test's prefix, so that a run leaves the shared Redis as it found it. */
    public static void deleteKeys(UnifiedJedis redis, String prefix) {
        keys(redis, prefix).forEach(redis::unlink);
    }

    public static void require(String what, String host, int port, String hint) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3_000);
        } catch (IOException e) {
            throw new AssertionError(what + " is not reachable at " + host + ":" + port + " (" + e.getMessage() + "); " + hint);
        }
    }
}
