package io.nowcast.dashboard;

import java.util.List;

/** Every route of the dashboard, in one place. Admin routes change state: POST, admin role, CSRF token. */
public final class DashboardPaths {
    private DashboardPaths() {}

    public static final String LOGIN = "/login";
    public static final String LOGOUT = "/logout";
    public static final String OVERVIEW = "/";
    public static final String TRENDING = "/trending";
    public static final String PRODUCT = "/products/{id}";
    public static final String USER = "/users/{id}";
    public static final String BATCH = "/batch";
    public static final String RULES = "/rules";
    public static final String ACCOUNTS = "/accounts";
    public static final String HEALTH = "/health";

    public static final String ADMIN_RULE_ADD = "/admin/rules";
    public static final String ADMIN_RULE_REMOVE = "/admin/rules/remove";
    public static final String ADMIN_BATCH_RUN = "/admin/batch/run";
    public static final String ADMIN_ACCOUNT_ADD = "/admin/accounts";

    /** Every admin route (the security test walks them all). */
    public static final List<String> ADMIN = List.of(ADMIN_RULE_ADD, ADMIN_RULE_REMOVE, ADMIN_BATCH_RUN, ADMIN_ACCOUNT_ADD);

    /** The form field that carries the session's CSRF token. */
    public static final String CSRF_FIELD = "_csrf";

    public static String product(String id) {
        return "/products/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String user(long id) {
        return "/users/" + id;
    }
}
