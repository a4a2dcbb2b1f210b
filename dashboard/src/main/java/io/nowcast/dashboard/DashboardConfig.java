package io.nowcast.dashboard;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;

/**
 * The dashboard's settings. The first admin comes from {@code NOWCAST_DASHBOARD_ADMIN_PASSWORD} (with
 * {@code NOWCAST_DASHBOARD_ADMIN_USER}, default {@code admin}); without it no admin is created and only
 * existing accounts can log in.
 */
public record DashboardConfig(Endpoints endpoints, String host, int port, String adminUser, String adminPassword,
                              boolean secureCookies, int sessionMinutes, int recommendations) {
    public static DashboardConfig from(Env env) {
        DashboardConfig c = new DashboardConfig(Endpoints.from(env),
                env.string("NOWCAST_DASHBOARD_HOST", env.string("NOWCAST_BIND_HOST", "127.0.0.1")),
                env.port("NOWCAST_DASHBOARD_PORT", 8090),
                env.string("NOWCAST_DASHBOARD_ADMIN_USER", "admin"),
                env.string("NOWCAST_DASHBOARD_ADMIN_PASSWORD", null),
                Boolean.parseBoolean(env.string("NOWCAST_DASHBOARD_SECURE_COOKIES", "false")),
                env.integer("NOWCAST_DASHBOARD_SESSION_MINUTES", 480, 1, 7 * 24 * 60),
                env.integer("NOWCAST_RECOMMENDATIONS", 20, 1, 200));
        if (c.adminPassword != null && c.adminPassword.length() < 8) {
            throw new Env.ConfigException("NOWCAST_DASHBOARD_ADMIN_PASSWORD must be at least 8 characters");
        }
        env.check();
        return c;
    }
}
