package io.nowcast.serving;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;

/**
 * The REST API's settings, from {@code NOWCAST_*} variables (the README's configuration table).
 *
 * @param recommendations N, the length of a merged list (shared with the speed and batch layers)
 * @param maxEvents the most events one POST may carry
 * @param maxBodyBytes the largest request body; larger ones get 413
 * @param adminToken the bearer token rule changes need; without one, rules are read-only over HTTP
 * @param staleSeconds how long after the speed layer's last flush /health calls it stale
 * @param threads Jetty's request threads (Jetty also runs its selectors on them)
 */
public record ServingConfig(Endpoints endpoints, String host, int port, int recommendations, int maxEvents,
                            long maxBodyBytes, String adminToken, int staleSeconds, int threads) {

    public static ServingConfig from(Env env) {
        ServingConfig c = new ServingConfig(
                Endpoints.from(env),
                env.string("NOWCAST_SERVING_HOST", env.string("NOWCAST_BIND_HOST", "127.0.0.1")),
                env.port("NOWCAST_SERVING_PORT", 8080),
                env.integer("NOWCAST_RECOMMENDATIONS", 20, 1, 500),
                env.integer("NOWCAST_SERVING_MAX_EVENTS", 1_000, 1, 100_000),
                env.integer("NOWCAST_SERVING_MAX_BODY_KB", 1_024, 1, 64 * 1024) * 1024L,
                env.string("NOWCAST_ADMIN_TOKEN", null),
                env.integer("NOWCAST_STALE_SECONDS", 60, 1, 86_400),
                env.integer("NOWCAST_SERVING_THREADS", 32, 8, 1000));
        env.check();
        return c;
    }
}
