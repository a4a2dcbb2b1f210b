package io.nowcast.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.nowcast.config.Env;
import io.nowcast.db.Database;
import io.nowcast.redis.RedisKeys;
import io.nowcast.rules.Rule;
import io.nowcast.rules.RuleChanges;
import io.nowcast.rules.RuleStore;
import io.nowcast.runs.BatchRun;
import io.nowcast.runs.BatchRunLog;
import io.nowcast.users.UserStore;
import io.nowcast.users.UserStore.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The merchandisers' dashboard: server-rendered pages (Thymeleaf) over Redis and PostgreSQL, behind a
 * login with two roles. Viewers read every page; admins also change rules, ask for a batch run and add
 * accounts, each with the session's CSRF token. Routes are in {@link DashboardPaths}.
 */
public final class DashboardApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardApp.class);

    /** A refusal with its status and a message for the page. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** A page that needs a login, asked for without one: the login page, then back. */
    static final class LoginNeeded extends RuntimeException {
        LoginNeeded() {
            super(null, null, false, false);
        }
    }

    private final DashboardConfig config;
    private final Javalin app;
    private final RedisClient redis;
    private final Admin kafka;
    private final Templates templates = new Templates();
    private final Sessions sessions;
    private final Accounts accounts;
    private final RuleChanges rules;
    private final BatchRunLog runs;
    private final DashboardData data;
    private final RateSampler sampler;

    private DashboardApp(DashboardConfig config) {
        this.config = config;
        var e = config.endpoints();
        RedisKeys keys = new RedisKeys(e.redisPrefix());
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000));
        Database db = Database.of(e).migrate();
        accounts = new Accounts(new UserStore(db));
        accounts.ensureAdmin(config.adminUser(), config.adminPassword());
        rules = new RuleChanges(new RuleStore(db), redis, keys, config.recommendations());
        rules.sync();
        runs = new BatchRunLog(db);
        data = new DashboardData(redis, keys, kafka, config.recommendations());
        sampler = new RateSampler(data, 5_000);
        sessions = new Sessions(Duration.ofMinutes(config.sessionMinutes()), config.secureCookies());

        app = Javalin.create(c -> {
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.startup.showJavalinBanner = false;
            c.staticFiles.add(sf -> {
                sf.hostedPath = "/assets";
                sf.directory = "/assets";
                sf.location = Location.CLASSPATH;
            });
            c.staticFiles.enableWebjars();
            c.routes.beforeMatched(this::guard);
            c.routes.get(DashboardPaths.LOGIN, this::loginPage);
            c.routes.post(DashboardPaths.LOGIN, this::login);
            c.routes.post(DashboardPaths.LOGOUT, this::logout);
            c.routes.get(DashboardPaths.HEALTH, ctx -> ctx.result("ok"));
            c.routes.get(DashboardPaths.OVERVIEW, this::overview);
            c.routes.get(DashboardPaths.TRENDING, this::trending);
            c.routes.get(DashboardPaths.PRODUCT, this::product);
            c.routes.get(DashboardPaths.USER, this::user);
            c.routes.get(DashboardPaths.BATCH, this::batch);
            c.routes.get(DashboardPaths.RULES, this::rulesPage);
            c.routes.get(DashboardPaths.ACCOUNTS, this::accountsPage);
            c.routes.post(DashboardPaths.ADMIN_RULE_ADD, this::addRule);
            c.routes.post(DashboardPaths.ADMIN_RULE_REMOVE, this::removeRule);
            c.routes.post(DashboardPaths.ADMIN_BATCH_RUN, this::runBatch);
            c.routes.post(DashboardPaths.ADMIN_ACCOUNT_ADD, this::addAccount);
            c.routes.exception(LoginNeeded.class, (ex, ctx) -> ctx.redirect(DashboardPaths.LOGIN + "?next="
                    + java.net.URLEncoder.encode(ctx.path(), java.nio.charset.StandardCharsets.UTF_8)));
            c.routes.exception(Refused.class, (ex, ctx) -> message(ctx, ex.status, ex.getMessage()));
            c.routes.exception(IllegalArgumentException.class, (ex, ctx) -> message(ctx, 400, ex.getMessage()));
            c.routes.exception(JedisException.class, (ex, ctx) -> {
                LOG.warn("Redis failed during {} {}: {}", ctx.method(), ctx.path(), ex.toString());
                message(ctx, 503, "Redis is unavailable; try again");
            });
            c.routes.exception(Database.DatabaseException.class, (ex, ctx) -> {
                LOG.warn("PostgreSQL failed during {} {}: {}", ctx.method(), ctx.path(), ex.getMessage());
                message(ctx, 503, "PostgreSQL is unavailable; try again");
            });
            c.routes.exception(Exception.class, (ex, ctx) -> {
                LOG.error("unexpected failure during {} {}", ctx.method(), ctx.path(), ex);
                message(ctx, 500, "internal error; the dashboard's log has the details");
            });
        });
    }

    public static DashboardApp start(DashboardConfig config) {
        DashboardApp d = new DashboardApp(config);
        d.app.start();
        LOG.info("nowcast: dashboard started on http://{}:{}", config.host(), d.port());
        return d;
    }

    public static void main(String[] args) {
        DashboardConfig config;
        try {
            config = DashboardConfig.from(Env.system());
        } catch (Env.ConfigException e) {
            System.err.println("dashboard: error: " + e.getMessage());
            System.exit(2);
            return;
        }
        DashboardApp d = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(d::close, "dashboard-stop"));
    }

    public int port() {
        return app.port();
    }

    // ------------------------------------------------------------------ access

    private void guard(Context ctx) {
        String path = ctx.path();
        if (path.equals(DashboardPaths.LOGIN) || path.equals(DashboardPaths.HEALTH) || path.startsWith("/assets/") || path.startsWith("/webjars/")) {
            return;
        }
        Optional<Sessions.Session> s = sessions.find(ctx.cookie(Sessions.COOKIE));
        boolean admin = DashboardPaths.ADMIN.contains(ctx.path());
        if (s.isEmpty()) {
            if (admin || !ctx.method().name().equals("GET")) {
                throw new Refused(401, "log in first");
            }
            throw new LoginNeeded();
        }
        ctx.attribute("session", s.get());
        if (admin && !s.get().admin()) {
            throw new Refused(403, "this needs the admin role; you are logged in as a viewer");
        }
        if (!ctx.method().name().equals("GET") && !s.get().csrfMatches(ctx.formParam(DashboardPaths.CSRF_FIELD))) {
            throw new Refused(403, "the form's CSRF token is missing or wrong; reload the page and try again");
        }
    }

    private static Sessions.Session session(Context ctx) {
        return ctx.attribute("session");
    }

    private void loginPage(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("next", safeNext(ctx.queryParam("next")));
        ctx.html(templates.render("login", m));
    }

    private void login(Context ctx) {
        String user = ctx.formParam("username");
        Optional<Role> role = accounts.authenticate(user, ctx.formParam("password"));
        if (role.isEmpty()) {
            Map<String, Object> m = new HashMap<>();
            m.put("next", safeNext(ctx.formParam("next")));
            m.put("error", "Wrong user name or password.");
            ctx.status(401).html(templates.render("login", m));
            return;
        }
        Sessions.Session s = sessions.open(user, role.get());
        ctx.header("Set-Cookie", sessions.cookie(s.token()));
        ctx.redirect(safeNext(ctx.formParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** Only a path on this site: no scheme, no host, no "//". */
    static String safeNext(String next) {
        return next != null && next.startsWith("/") && !next.startsWith("//") && !next.contains("\\") && next.length() < 300 ? next : "/";
    }

    private void logout(Context ctx) {
        sessions.close(ctx.cookie(Sessions.COOKIE));
        ctx.header("Set-Cookie", sessions.cookie(null));
        ctx.redirect(DashboardPaths.LOGIN, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // ------------------------------------------------------------------ pages

    private Map<String, Object> model(Context ctx, String page) {
        Sessions.Session s = session(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("page", page);
        m.put("user", s.user());
        m.put("role", s.role().name());
        m.put("admin", s.admin());
        m.put("csrf", s.csrf());
        return m;
    }

    private void render(Context ctx, String template, Map<String, Object> m) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Security-Policy", "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.html(templates.render(template, m));
    }

    private void message(Context ctx, int status, String text) {
        Map<String, Object> m = new HashMap<>();
        m.put("status", status);
        m.put("message", text);
        Sessions.Session s = ctx.attribute("session");
        m.put("user", s == null ? null : s.user());
        ctx.status(status);
        render(ctx, "message", m);
    }

    private void overview(Context ctx) {
        Map<String, Object> m = model(ctx, "overview");
        Map<String, Object> speed = data.speed();
        Map<String, Object> redisInfo = data.redisInfo();
        Optional<BatchRun> last = runs.recent(1).stream().findFirst();
        m.put("speed", speed);
        m.put("redis", redisInfo);
        String speedStatus;
        Long fresh = (Long) speed.get("freshness_s");
        Long lag = (Long) speed.get("lag");
        if (fresh == null || fresh > 300) {
            speedStatus = "red";
        } else if (fresh > 60 || lag == null || lag > 100_000) {
            speedStatus = "amber";
        } else {
            speedStatus = "green";
        }
        m.put("speed_status", speedStatus);
        String batchStatus = "amber";
        if (last.isPresent()) {
            BatchRun r = last.get();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("run_id", r.runId());
            b.put("status", r.status().text());
            b.put("age", DashboardData.age(Duration.between(r.startedAt(), Instant.now())));
            b.put("took", DashboardData.age(r.duration(Instant.now())));
            b.put("version", r.version() == null ? "" : r.version());
            b.put("error", r.error() == null ? "" : r.error());
            m.put("last_run", b);
            boolean old = Duration.between(r.startedAt(), Instant.now()).toHours() > 26;
            batchStatus = r.status() == BatchRun.Status.FAILED ? "red" : old ? "amber" : "green";
        }
        m.put("batch_status", batchStatus);
        m.put("overall", speedStatus.equals("red") || batchStatus.equals("red") ? "red"
                : speedStatus.equals("green") && batchStatus.equals("green") ? "green" : "amber");
        m.put("chart", Templates.json(sampler.series()));
        render(ctx, "overview", m);
    }

    private void trending(Context ctx) {
        Map<String, Object> m = model(ctx, "trending");
        List<String> windows = data.windows();
        String window = ctx.queryParam("window");
        if (window == null || window.isEmpty()) {
            window = windows.isEmpty() ? null : windows.get(0);
        } else if (!windows.contains(window)) {
            throw new Refused(400, "no trending window " + window + " among the last " + DashboardData.WINDOWS);
        }
        String category = ctx.queryParam("category");
        if (category != null && category.isBlank()) {
            category = null;
        }
        if (category != null && category.length() > 200) {
            throw new Refused(400, "a category is at most 200 characters");
        }
        m.put("windows", windows);
        m.put("window", window);
        m.put("category", category == null ? "" : category);
        m.put("categories", data.categories());
        List<Map<String, Object>> top = window == null ? List.of() : data.top(window, category);
        m.put("top", top);
        List<String> ids = top.stream().map(r -> (String) r.get("product_id")).toList();
        Map<String, Object> chart = new LinkedHashMap<>();
        List<String> shown = new ArrayList<>(windows);
        java.util.Collections.reverse(shown);
        chart.put("windows", shown);
        chart.put("series", ids.isEmpty() ? Map.of() : data.viewsOver(ids, windows));
        m.put("chart", Templates.json(chart));
        render(ctx, "trending", m);
    }

    private void product(Context ctx) {
        String id = ctx.pathParam("id");
        if (id.isBlank() || id.length() > 1_000) {
            throw new Refused(400, "a product id is 1 to 1000 characters");
        }
        Map<String, String> p = data.product(id);
        List<Map<String, Object>> neighbours = data.neighbours(id);
        if (p.isEmpty() && neighbours.isEmpty()) {
            throw new Refused(404, "no product " + id + " in the catalog");
        }
        Map<String, Object> m = model(ctx, "product");
        m.put("id", id);
        m.put("product", p);
        m.put("neighbours", neighbours);
        List<String> windows = data.windows();
        Map<String, Object> chart = new LinkedHashMap<>();
        List<String> shown = new ArrayList<>(windows);
        java.util.Collections.reverse(shown);
        chart.put("windows", shown);
        chart.put("series", data.viewsOver(List.of(id), windows));
        m.put("chart", Templates.json(chart));
        m.put("rules", rules.list().stream().filter(r -> r.target().equals(id) || r.target().equals(p.get("category"))).map(DashboardApp::ruleRow).toList());
        render(ctx, "product", m);
    }

    private void user(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new Refused(400, "a user id is an integer");
        }
        Map<String, Object> m = model(ctx, "user");
        m.put("id", id);
        m.putAll(data.user(id));
        render(ctx, "user", m);
    }

    private void batch(Context ctx) {
        render(ctx, "batch", batchModel(ctx));
    }

    private Map<String, Object> batchModel(Context ctx) {
        Map<String, Object> m = model(ctx, "batch");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BatchRun r : runs.recent(50)) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("run_id", r.runId());
            row.put("status", r.status().text());
            row.put("trigger", r.trigger());
            row.put("started", r.startedAt().toString());
            row.put("took", String.format(java.util.Locale.ROOT, "%.1f s", r.duration(Instant.now()).toMillis() / 1000.0));
            row.put("purchases", num(r.stats().purchases()));
            row.put("baskets", num(r.stats().baskets()));
            row.put("pairs", num(r.stats().pairs()));
            row.put("users", num(r.stats().users()));
            row.put("version", r.version() == null ? "" : r.version());
            row.put("error", r.error() == null ? "" : r.error());
            rows.add(row);
        }
        m.put("runs", rows);
        m.put("requests", data.runRequests());
        return m;
    }

    private static String num(Long v) {
        return v == null ? "" : Long.toString(v);
    }

    private void rulesPage(Context ctx) {
        render(ctx, "rules", rulesModel(ctx));
    }

    private Map<String, Object> rulesModel(Context ctx) {
        Map<String, Object> m = model(ctx, "rules");
        m.put("rules", rules.list().stream().map(DashboardApp::ruleRow).toList());
        return m;
    }

    private static Map<String, Object> ruleRow(Rule r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", r.kind().sql());
        row.put("target", r.target());
        row.put("position", r.position() == null ? "" : r.position().toString());
        row.put("note", r.note() == null ? "" : r.note());
        row.put("created_by", r.createdBy());
        row.put("created_at", r.createdAt().toString());
        return row;
    }

    private void accountsPage(Context ctx) {
        render(ctx, "accounts", accountsModel(ctx));
    }

    private Map<String, Object> accountsModel(Context ctx) {
        Map<String, Object> m = model(ctx, "accounts");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (UserStore.Account a : accounts.store().list()) {
            rows.add(Map.of("username", a.username(), "role", a.role().name(), "created_by", a.createdBy(), "created_at", a.createdAt().toString()));
        }
        m.put("accounts", rows);
        return m;
    }

    // ------------------------------------------------------------------ admin actions

    private void addRule(Context ctx) {
        Rule.Kind kind = Rule.Kind.of(required(ctx, "kind"));
        String target = required(ctx, "target").trim();
        Integer position = null;
        String pos = ctx.formParam("position");
        if (kind == Rule.Kind.PIN) {
            try {
                position = Integer.parseInt(pos == null ? "" : pos.trim());
            } catch (NumberFormatException e) {
                throw new Refused(400, "a pin needs a position from 1 to 1000");
            }
            if (position < 1 || position > 1_000) {
                throw new Refused(400, "a pin needs a position from 1 to 1000");
            }
        }
        String note = ctx.formParam("note");
        if (note != null && note.length() > 500) {
            throw new Refused(400, "a note is at most 500 characters");
        }
        rules.put(kind, target, position, note == null || note.isBlank() ? null : note, session(ctx).user());
        Map<String, Object> m = rulesModel(ctx);
        m.put("flash", "Rule " + kind.sql() + " " + target + " is in force; lists are being re-merged.");
        render(ctx, "rules", m);
    }

    private void removeRule(Context ctx) {
        Rule.Kind kind = Rule.Kind.of(required(ctx, "kind"));
        String target = required(ctx, "target");
        if (rules.remove(kind, target).isEmpty()) {
            throw new Refused(404, "no rule " + kind.sql() + " " + target);
        }
        Map<String, Object> m = rulesModel(ctx);
        m.put("flash", "Rule " + kind.sql() + " " + target + " removed.");
        render(ctx, "rules", m);
    }

    private void runBatch(Context ctx) {
        data.requestBatchRun(session(ctx).user());
        Map<String, Object> m = batchModel(ctx);
        m.put("flash", "Batch run requested; the batch scheduler starts it within a few seconds.");
        render(ctx, "batch", m);
    }

    private void addAccount(Context ctx) {
        String user = required(ctx, "username");
        String role = required(ctx, "role");
        if (!role.equals("viewer") && !role.equals("admin")) {
            throw new Refused(400, "a role is viewer or admin");
        }
        accounts.add(user, ctx.formParam("password"), Role.valueOf(role), session(ctx).user());
        Map<String, Object> m = accountsModel(ctx);
        m.put("flash", "Account " + user + " (" + role + ") saved.");
        render(ctx, "accounts", m);
    }

    private static String required(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null || v.isBlank()) {
            throw new Refused(400, field + " is required");
        }
        return v;
    }

    @Override
    public void close() {
        app.stop();
        sampler.close();
        rules.close();
        kafka.close(Duration.ofSeconds(2));
        redis.close();
    }
}
