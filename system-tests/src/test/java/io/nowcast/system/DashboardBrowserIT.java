package io.nowcast.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nowcast.db.TestDatabase;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import redis.clients.jedis.RedisClient;

/**
 * The dashboard in a real browser (Debian's headless Chromium through Selenium) against the running
 * stack (./nowcast up) with simulated data: log in, open every page, compare the numbers shown with
 * Redis and PostgreSQL, see a catalog name full of markup shown as text, pin a product and see a
 * user's list change. A screenshot of each page goes to target/screenshots/.
 */
class DashboardBrowserIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PASSWORD = "browser-admin-1";
    private static final String PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">Robot";
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    Path tmp;

    @Test
    void aMerchandiserLogsInSeesRedisAndPostgresNumbersAndAPinChangesAUsersList() throws Exception {
        Launcher l = new Launcher(tmp.resolve("data"));
        int redisPort = l.sparePort();
        l.env.put("NOWCAST_REDIS_PORT", String.valueOf(redisPort));
        l.env.put("NOWCAST_DASHBOARD_ADMIN_PASSWORD", PASSWORD);
        l.env.put("NOWCAST_SIM_RATE", "400");
        l.env.put("NOWCAST_MASTER_DATASET", "off");
        TestDatabase db = TestDatabase.create("browser");
        l.env.put("NOWCAST_PG_URL", db.database().url());
        Files.createDirectories(SHOTS);
        WebDriver browser = null;
        try {
            Launcher.Result up = l.run("up");
            assertEquals(0, up.rc(), up.toString());
            String base = "http://127.0.0.1:" + l.env.get("NOWCAST_DASHBOARD_PORT");
            RedisKeys keys = new RedisKeys("");
            try (RedisClient redis = RedisClient.create("127.0.0.1", redisPort)) {
                // A product whose name carries markup, inserted through the catalog (table → CDC → Kafka → speed layer).
                execute(db, "INSERT INTO product_catalog (product_id, name, category, price, in_stock) VALUES ('xss_1', '"
                        + PAYLOAD.replace("'", "''") + "', 'toys/board-games', 5, true)");
                Await.until(() -> redis.exists(keys.product("xss_1")), 60, "the markup product in Redis");
                Await.until(() -> redis.zcard(keys.recommendedUsers()) >= 20 && redis.zcard(keys.trendingWindows()) > 0, 120, "simulated users with keys");

                // Quiet the stack, so what a page shows can be compared with Redis exactly.
                stop(l.pids().get("simulator"));
                String[] offsets = {""};
                Await.until(() -> {
                    Thread.sleep(1_500);
                    String now = new TreeMap<>(redis.hgetAll(keys.speedCounts())) + " " + new TreeMap<>(redis.hgetAll(keys.dlqCounts()));
                    boolean still = now.equals(offsets[0]);
                    offsets[0] = now;
                    return still;
                }, 60, "the speed layer to apply the last events");
                Thread.sleep(1_500); // the per-user refresher runs just after a flush

                browser = chrome();
                browser.get(base + "/login");
                shot(browser, "login");
                browser.findElement(By.id("username")).sendKeys("admin");
                browser.findElement(By.id("password")).sendKeys(PASSWORD);
                browser.findElement(By.id("login")).click();
                // The click may return before the answer's page replaces the login page (as with "Run now").
                try {
                    new WebDriverWait(browser, java.time.Duration.ofSeconds(10)).until(ExpectedConditions.urlToBe(base + "/"));
                } catch (org.openqa.selenium.TimeoutException e) {
                    // asserted just below, with the URL it stayed at
                }
                assertEquals(base + "/", browser.getCurrentUrl());

                // Overview: the Redis counts as Redis has them.
                assertEquals(Long.toString(redis.scard(keys.products())), text(browser, "redis-products"));
                assertEquals(Long.toString(redis.scard(keys.categories())), text(browser, "redis-categories"));
                assertEquals(Long.toString(redis.zcard(keys.recommendedUsers())), text(browser, "redis-users"));
                assertTrue(List.of("green", "amber", "red").contains(text(browser, "overall")));
                assertTrue(text(browser, "lag").endsWith("records"), "Kafka lag read: " + text(browser, "lag"));
                shot(browser, "overview");

                // Trending: the newest window's top 10 with the counts in Redis.
                browser.get(base + "/trending");
                String window = redis.zrevrange(keys.trendingWindows(), 0, 0).get(0);
                List<WebElement> rows = browser.findElements(By.cssSelector("#top tr"));
                assertTrue(rows.size() > 1, "a top list");
                for (WebElement row : rows.subList(1, rows.size())) {
                    List<WebElement> cells = row.findElements(By.tagName("td"));
                    Double views = redis.zscore(keys.trendingCounts(java.time.LocalDateTime.parse(window).toInstant(java.time.ZoneOffset.UTC)), cells.get(1).getText());
                    assertEquals(String.valueOf(views.longValue()), cells.get(4).getText(), "views of " + cells.get(1).getText());
                }
                assertFalse(browser.findElements(By.cssSelector(".chart canvas")).isEmpty(), "the chart drew (uPlot from the server)");
                shot(browser, "trending");

                // The markup product: shown as text, nothing ran.
                browser.get(base + "/products/xss_1");
                assertEquals(PAYLOAD, text(browser, "name"));
                assertNull(((JavascriptExecutor) browser).executeScript("return window.__pwned;"), "no script from the catalog ran");
                shot(browser, "product-markup");

                // A user with a key: interests and the merged list as in Redis.
                long user = pickUser(redis, keys);
                browser.get(base + "/users/" + user);
                Map<String, String> interests = redis.hgetAll(keys.interest(user));
                List<WebElement> interestRows = browser.findElements(By.cssSelector("#interests tr"));
                if (!interests.isEmpty()) {
                    assertEquals(interests.size(), interestRows.size());
                    for (WebElement r : interestRows) {
                        List<WebElement> c = r.findElements(By.tagName("td"));
                        assertEquals(interests.get(c.get(0).getText()), c.get(1).getText());
                    }
                }
                assertEquals(recommended(redis, keys, user), merged(browser));
                shot(browser, "user");

                // Pin a product the user is not offered first, from its product page; the user's list changes.
                String pinned = pickPin(redis, keys, user);
                browser.get(base + "/products/" + pinned);
                shot(browser, "product");
                WebElement position = browser.findElement(By.id("pin-position"));
                position.clear();
                position.sendKeys("1");
                browser.findElement(By.id("pin")).click();
                assertTrue(text(browser, "flash").contains("pin " + pinned), text(browser, "flash"));
                assertTrue(browser.findElement(By.id("rules")).getText().contains(pinned));
                shot(browser, "rules");
                WebDriver b = browser;
                Await.until(() -> {
                    b.get(base + "/users/" + user);
                    List<String> m = merged(b);
                    return !m.isEmpty() && m.get(0).equals(pinned);
                }, 60, "the pin first in user " + user + "'s list");
                assertEquals(pinned, recommended(redis, keys, user).get(0), "and in the key apps read");
                assertEquals("pinned", b.findElement(By.cssSelector("#merged tr:nth-child(2) td:nth-child(3)")).getText());
                shot(browser, "user-after-pin");

                // Batch runs: run now, then the page shows the run as PostgreSQL logged it.
                browser.get(base + "/batch");
                browser.findElement(By.id("run-now")).click();
                assertTrue(text(browser, "flash").contains("requested"));
                Await.until(() -> finishedRun(db) != null, 150, "the requested batch run to finish");
                Map<String, String> run = finishedRun(db);
                browser.get(base + "/batch");
                WebElement row = browser.findElement(By.id("run-" + run.get("run_id")));
                assertEquals(run.get("status"), row.findElement(By.className("status")).getText());
                assertEquals(run.get("purchases"), row.findElement(By.className("purchases")).getText());
                assertTrue(row.getText().contains("dashboard:admin"), row.getText());
                shot(browser, "batch");

                browser.get(base + "/accounts");
                assertTrue(browser.findElement(By.id("accounts")).getText().contains("admin"));
                shot(browser, "accounts");
            }
        } finally {
            if (browser != null) {
                browser.quit();
            }
            l.run("down", "--purge");
            l.run("catalog", "drop-slot");
            db.close();
        }
    }

    private static WebDriver chrome() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        // Chromium keeps its singleton socket in TMPDIR and leaves it behind: keep it under target, not /tmp.
        Path tmp;
        try {
            tmp = Files.createDirectories(Path.of("target", "chromium-tmp").toAbsolutePath());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .withEnvironment(Map.of("TMPDIR", tmp.toString())).build();
        return new ChromeDriver(service, o);
    }

    private static void shot(WebDriver browser, String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The text of element {@code id}, waiting up to 10 s for it: after a click that submits a form, headless
     * Chrome may return before the answer's page replaces the old one, which lacks the element (a CI run
     * failed so on the batch page's flash).
     */
    private static String text(WebDriver browser, String id) {
        return new WebDriverWait(browser, java.time.Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(By.id(id))).getText();
    }

    private static List<String> merged(WebDriver browser) {
        List<String> ids = new ArrayList<>();
        browser.findElements(By.cssSelector("#merged a.pid")).forEach(e -> ids.add(e.getText()));
        return ids;
    }

    private static List<String> recommended(RedisClient redis, RedisKeys keys, long user) throws Exception {
        JsonNode j = MAPPER.readTree(redis.get(keys.recommendations(user)));
        List<String> ids = new ArrayList<>();
        j.get("recommended_products").forEach(n -> ids.add(n.asText()));
        return ids;
    }

    /** A user with a key and some interests. */
    private static long pickUser(RedisClient redis, RedisKeys keys) {
        for (String u : redis.zrevrange(keys.recommendedUsers(), 0, 200)) {
            long id = Long.parseLong(u);
            if (redis.exists(keys.recommendations(id)) && redis.hlen(keys.interest(id)) > 0) {
                return id;
            }
        }
        throw new AssertionError("no simulated user with a key and interests");
    }

    /** An in-stock product the user has not bought and is not offered first. */
    private static String pickPin(RedisClient redis, RedisKeys keys, long user) throws Exception {
        List<String> offered = recommended(redis, keys, user);
        for (String p : new java.util.TreeSet<>(redis.smembers(keys.products()))) {
            if (!p.startsWith("xss") && "true".equals(redis.hget(keys.product(p), "in_stock")) && redis.zscore(keys.bought(user), p) == null
                    && (offered.isEmpty() || !offered.get(0).equals(p))) {
                return p;
            }
        }
        throw new AssertionError("no product to pin");
    }

    private static Map<String, String> finishedRun(TestDatabase db) throws Exception {
        try (Connection c = db.database().connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT run_id, status, coalesce(purchases::text, '') FROM batch_runs WHERE status <> 'running' ORDER BY run_id DESC LIMIT 1")) {
            return r.next() ? Map.of("run_id", r.getString(1), "status", r.getString(2), "purchases", r.getString(3)) : null;
        }
    }

    private static void execute(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.database().connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void stop(Long pid) throws Exception {
        if (pid != null) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            Await.until(() -> !Launcher.alive(pid), 30, "the simulator to stop");
        }
    }
}
