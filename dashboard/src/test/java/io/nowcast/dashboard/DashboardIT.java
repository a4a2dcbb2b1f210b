package io.nowcast.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Endpoints;
import io.nowcast.config.Env;
import io.nowcast.db.TestDatabase;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.TestServers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The dashboard's handlers through the app on a real port, over real Redis and PostgreSQL: logins and
 * their cookies, every page, the role and CSRF checks of every admin route, escaping of catalog text.
 */
class DashboardIT {
    private static final String ADMIN_PASSWORD = "admin-secret-1";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private static TestDatabase db;
    private static DashboardApp app;
    private static RedisClient redis;
    private static RedisKeys keys;
    private static String base;
    private static final String WINDOW = RedisKeys.windowText(Instant.now().truncatedTo(ChronoUnit.HOURS));

    @BeforeAll
    static void start() {
        db = TestDatabase.create("dashboard");
        String prefix = TestServers.uniquePrefix("dash");
        keys = new RedisKeys(prefix);
        Endpoints e = db.endpoints();
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        Map<String, String> env = new HashMap<>(e.withRedisPrefix(prefix).env());
        env.put("NOWCAST_DASHBOARD_PORT", "0");
        env.put("NOWCAST_DASHBOARD_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // What the speed layer would have written: a catalog with markup in a name, one trending window.
        product("d1", "Plain shoe", "shoes/running");
        product("d2", "<script>alert('x')</script><img src=x onerror=alert(1)>", "shoes/running");
        product("d3", "Cup & \"Saucer\"", "home/kitchen");
        redis.zadd(keys.trendingWindows(), Instant.now().truncatedTo(ChronoUnit.HOURS).toEpochMilli(), WINDOW);
        Instant w = Instant.now().truncatedTo(ChronoUnit.HOURS);
        redis.zadd(keys.trendingCounts(w), Map.of("d1", 7.0, "d2", 5.0, "d3", 9.0));
        redis.hset(keys.interest(42), Map.of("shoes/running", "3"));
        app = DashboardApp.start(DashboardConfig.from(new Env(env)));
        base = "http://127.0.0.1:" + app.port();
    }

    private static void product(String id, String name, String category) {
        redis.hset(keys.product(id), Map.of("product_id", id, "name", name, "category", category, "price", "9.99",
                "description", "", "image_url", "", "in_stock", "true"));
        redis.sadd(keys.products(), id);
        redis.sadd(keys.categories(), category);
        redis.zadd(keys.category(category), 0, id);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.keys(keys.prefix() + "*").forEach(redis::del);
            redis.close();
        }
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    static HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String cookie, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Logs in; returns the session cookie ("name=value"). */
    static String login(String user, String password) throws Exception {
        HttpResponse<String> r = post("/login", null, Map.of("username", user, "password", password, "next", "/"));
        assertEquals(303, r.statusCode(), r.body());
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static String csrf(String cookie) throws Exception {
        Matcher m = CSRF.matcher(get("/rules", cookie).body());
        assertTrue(m.find(), "a page carries the session's CSRF token");
        return m.group(1);
    }

    static String viewerCookie() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        post(DashboardPaths.ADMIN_ACCOUNT_ADD, admin, Map.of("_csrf", csrf(admin), "username", "vera", "password", "viewer-pass-1", "role", "viewer"));
        return login("vera", "viewer-pass-1");
    }

    // ------------------------------------------------------------------ tests

    @Test
    void loginSetsAnHttpOnlySameSiteCookieAndAWrongPasswordIsRefused() throws Exception {
        HttpResponse<String> wrong = post("/login", null, Map.of("username", "admin", "password", "nope-nope"));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("Wrong user name or password"));
        assertEquals(401, post("/login", null, Map.of("username", "nobody", "password", ADMIN_PASSWORD)).statusCode());

        HttpResponse<String> ok = post("/login", null, Map.of("username", "admin", "password", ADMIN_PASSWORD, "next", "/trending"));
        assertEquals(303, ok.statusCode());
        assertEquals("/trending", ok.headers().firstValue("Location").orElseThrow());
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith(Sessions.COOKIE + "="), cookie);
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), cookie);

        HttpResponse<String> offsite = post("/login", null, Map.of("username", "admin", "password", ADMIN_PASSWORD, "next", "//evil.example/"));
        assertEquals("/", offsite.headers().firstValue("Location").orElseThrow(), "no redirect off the site");
    }

    @Test
    void pagesNeedALoginAndEveryPageRendersForAViewer() throws Exception {
        HttpResponse<String> anonymous = get("/trending", null);
        assertEquals(302, anonymous.statusCode());
        assertEquals("/login?next=%2Ftrending", anonymous.headers().firstValue("Location").orElseThrow());
        String viewer = viewerCookie();
        for (String page : List.of("/", "/trending", "/trending?window=" + WINDOW + "&category=shoes/running", "/products/d1", "/users/42", "/batch", "/rules", "/accounts")) {
            HttpResponse<String> r = get(page, viewer);
            assertEquals(200, r.statusCode(), page + ": " + r.body());
            assertTrue(r.body().contains("vera"), page);
            assertFalse(r.body().contains("action=\"/admin/"), page + " shows a viewer no admin forms");
        }
        assertEquals(404, get("/products/nope", viewer).statusCode());
        assertEquals(400, get("/users/abc", viewer).statusCode());
        assertEquals(400, get("/trending?window=1999-01-01T00:00:00", viewer).statusCode());
    }

    @Test
    void theStylesAndChartScriptsAreServedFromTheDashboardItself() throws Exception {
        for (String asset : List.of("/assets/dashboard.css", "/assets/charts.js", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
                "/webjars/uplot/1.6.30/dist/uPlot.min.css")) {
            HttpResponse<String> r = get(asset, null);
            assertEquals(200, r.statusCode(), asset);
            assertTrue(r.body().length() > 500, asset);
        }
        String page = get("/login", null).body();
        assertTrue(page.contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js") && !page.contains("cdn"), "charts come from this server");
    }

    @Test
    void trendingShowsRedisCountsInOrderAndFiltersByCategory() throws Exception {
        String viewer = viewerCookie();
        String page = get("/trending?window=" + WINDOW, viewer).body();
        assertTrue(page.indexOf(">d3<") < page.indexOf(">d1<") && page.indexOf(">d1<") < page.indexOf(">d2<"), "by views: d3 9, d1 7, d2 5");
        assertTrue(page.contains("<td class=\"num views\">9</td>"), page);
        String shoes = get("/trending?window=" + WINDOW + "&category=shoes%2Frunning", viewer).body();
        assertFalse(shoes.contains(">d3<"), "home/kitchen filtered out");
        assertTrue(shoes.contains(">d1<"));
    }

    @Test
    void theOverviewShowsRedisCounts() throws Exception {
        String page = get("/", viewerCookie()).body();
        assertTrue(page.contains("<dd id=\"redis-products\">" + redis.scard(keys.products()) + "</dd>"), page);
        assertTrue(page.matches("(?s).*<dd id=\"redis-keys\">\\d+</dd>.*"), "the key count is a number");
        assertTrue(page.contains("id=\"overall\""));
        redis.zadd(keys.recommendationsDirty(), Map.of("41", System.currentTimeMillis() - 90_000.0, "42", (double) System.currentTimeMillis()));
        try {
            String queued = get("/", viewerCookie()).body();
            assertTrue(queued.matches("(?s).*<dd id=\"remerge\">2, the longest for (90|91|92) s</dd>.*"), queued);
        } finally {
            redis.del(keys.recommendationsDirty());
        }
    }

    @Test
    void catalogTextWithMarkupRendersAsText() throws Exception {
        String viewer = viewerCookie();
        for (String page : List.of("/products/d2", "/trending?window=" + WINDOW)) {
            String body = get(page, viewer).body();
            assertFalse(body.contains("<script>alert"), page + " runs no script from a product name");
            assertFalse(body.contains("<img src=x"), page);
            assertTrue(body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), page + ": " + body);
        }
        assertTrue(get("/products/d3", viewer).body().contains("Cup &amp; &quot;Saucer&quot;"));
        // A script in the chart data cannot close its script element.
        assertFalse(get("/trending?window=" + WINDOW, viewer).body().contains("</script><img"));
    }

    @Test
    void everyAdminRouteAnswers401WithoutASession403ForAViewerAnd200ForAnAdmin() throws Exception {
        String viewer = viewerCookie();
        String admin = login("admin", ADMIN_PASSWORD);
        String adminCsrf = csrf(admin);
        String viewerCsrf = csrf(viewer);
        Map<String, Map<String, String>> forms = new LinkedHashMap<>();
        forms.put(DashboardPaths.ADMIN_RULE_ADD, Map.of("kind", "block_category", "target", "home/kitchen", "note", "sec test"));
        forms.put(DashboardPaths.ADMIN_RULE_REMOVE, Map.of("kind", "block_category", "target", "home/kitchen"));
        forms.put(DashboardPaths.ADMIN_BATCH_RUN, Map.of());
        forms.put(DashboardPaths.ADMIN_ACCOUNT_ADD, Map.of("username", "sam", "password", "sam-pass-1", "role", "viewer"));
        assertEquals(DashboardPaths.ADMIN.size(), forms.size(), "every admin route is tried");
        for (var e : forms.entrySet()) {
            String route = e.getKey();
            Map<String, String> asViewer = new HashMap<>(e.getValue());
            asViewer.put("_csrf", viewerCsrf);
            Map<String, String> asAdmin = new HashMap<>(e.getValue());
            asAdmin.put("_csrf", adminCsrf);
            assertEquals(401, post(route, null, asAdmin).statusCode(), route + " without a session");
            assertEquals(403, post(route, viewer, asViewer).statusCode(), route + " as a viewer");
            HttpResponse<String> done = post(route, admin, asAdmin);
            assertEquals(200, done.statusCode(), route + " as an admin: " + done.body());
        }
        assertEquals("admin", redis.lrange(keys.batchRunRequests(), 0, -1).get(0), "run now asks the scheduler");
        assertTrue(get("/accounts", admin).body().contains(">sam<"));
    }

    @Test
    void aMissingOrForgedCsrfTokenIsRefused() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        Map<String, String> form = new HashMap<>(Map.of("kind", "pin", "target", "d_forged", "position", "1"));
        assertEquals(403, post(DashboardPaths.ADMIN_RULE_ADD, admin, form).statusCode(), "missing");
        form.put("_csrf", "forged-token");
        HttpResponse<String> forged = post(DashboardPaths.ADMIN_RULE_ADD, admin, form);
        assertEquals(403, forged.statusCode(), "forged");
        assertTrue(forged.body().contains("CSRF"));
        // Another session's token is not this session's.
        String other = login("admin", ADMIN_PASSWORD);
        form.put("_csrf", csrf(other));
        assertEquals(403, post(DashboardPaths.ADMIN_RULE_ADD, admin, form).statusCode(), "another session's token");
        assertFalse(get("/rules", admin).body().contains(">d_forged<"), "no rule was added");
        // Logging out needs the token too, and ends the session.
        assertEquals(403, post(DashboardPaths.LOGOUT, admin, Map.of()).statusCode());
        assertEquals(303, post(DashboardPaths.LOGOUT, admin, Map.of("_csrf", csrf(admin))).statusCode());
        assertEquals(302, get("/rules", admin).statusCode(), "the session is gone");
    }

    @Test
    void aPinFromTheProductPageIsInForceAndListed() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        HttpResponse<String> r = post(DashboardPaths.ADMIN_RULE_ADD, admin, Map.of("_csrf", csrf(admin), "kind", "pin", "target", "d1", "position", "2", "note", "<b>launch</b>"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("&lt;b&gt;launch&lt;/b&gt;"), "the note is text");
        assertNotNull(redis.get(keys.rules()));
        assertTrue(redis.get(keys.rules()).contains("\"d1\":2"), redis.get(keys.rules()));
        assertTrue(get("/products/d1", admin).body().contains("<td>pin</td>"));
        assertEquals(400, post(DashboardPaths.ADMIN_RULE_ADD, admin, Map.of("_csrf", csrf(admin), "kind", "pin", "target", "d1", "position", "x")).statusCode());
        assertEquals(400, post(DashboardPaths.ADMIN_RULE_ADD, admin, Map.of("_csrf", csrf(admin), "kind", "teleport", "target", "d1")).statusCode());
        assertEquals(404, post(DashboardPaths.ADMIN_RULE_REMOVE, admin, Map.of("_csrf", csrf(admin), "kind", "block_product", "target", "zz")).statusCode());
    }
}
