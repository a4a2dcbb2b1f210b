package io.nowcast.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.testing.TestServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;

/** The launcher, driven as a user drives it, against real Kafka (its own broker) and real Redis. */
class LauncherIT {
    @TempDir
    Path tmp;

    /** "nice N" from /proc/{pid}/autogroup ("/autogroup-123 nice N"). */
    private static String autogroupNice(long pid) throws IOException {
        String line = Files.readString(Path.of("/proc/" + pid + "/autogroup")).trim();
        return line.substring(line.indexOf(' ') + 1);
    }

    private static void assertOneLineError(Launcher.Result r, int rc, String text) {
        assertEquals(rc, r.rc(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line on stderr: " + r);
        assertTrue(r.err().contains(text), r.toString());
    }

    @Test
    void unknownSubcommandIsAOneLineErrorWithExitTwo() {
        Launcher.Result r = new Launcher(tmp).run("frobnicate");
        assertOneLineError(r, 2, "unknown command 'frobnicate'");
    }

    @Test
    void everySubcommandHasHelp() {
        Launcher l = new Launcher(tmp);
        for (String cmd : List.of("demo", "up", "down", "status", "simulate", "produce", "tail", "topics", "test", "build", "history", "batch", "serve", "load", "catalog", "dashboard")) {
            Launcher.Result r = l.run(cmd, "--help");
            assertEquals(0, r.rc(), cmd + ": " + r);
            assertTrue(r.out().toLowerCase().contains("usage"), cmd + ": " + r);
        }
        assertTrue(l.run("--help").out().contains("demo"));
    }

    @Test
    void produceWithAMissingFileIsAOneLineError() {
        Launcher.Result r = new Launcher(tmp).run("produce", "--topic", "user_activity", "--file", tmp.resolve("missing.jsonl").toString());
        assertOneLineError(r, 2, "missing.jsonl (no such file)");
    }

    @Test
    void produceReportsSentAndRejectedLinesAndFailsOnAMalformedLine() throws IOException {
        Launcher l = new Launcher(tmp);
        l.env.put("NOWCAST_KAFKA_BOOTSTRAP", TestServers.kafka());
        Path file = tmp.resolve("events.jsonl");
        Files.write(file, List.of(
                "{\"event_type\":\"page_view\",\"user_id\":1,\"product_id\":\"p1\",\"timestamp\":\"2024-07-27T10:00:00Z\"}",
                "{\"event_type\":\"page_view\",\"user_id\":",
                "{\"event_type\":\"click\",\"user_id\":2,\"product_id\":\"p1\",\"timestamp\":\"2024-07-27T10:00:01Z\"}"));
        Launcher.Result r = l.run("produce", "--topic", "user_activity", "--file", file.toString());
        assertEquals(1, r.rc(), r.toString());
        assertTrue(r.out().contains("lines=3 sent=2 rejected=1 failed=0"), r.toString());
        assertTrue(r.err().contains("line 2: unparseable"), r.toString());
    }

    @Test
    void aPortInUseStopsStartUpWithAClearErrorAndLeavesNothingRunning() throws IOException {
        Launcher l = new Launcher(tmp);
        try (ServerSocket squatter = new ServerSocket(l.kafkaPort(), 1, InetAddress.getLoopbackAddress())) {
            assertOneLineError(l.run("up"), 1, "port " + l.kafkaPort() + " is in use");
        }
        l.pids().values().forEach(pid -> assertFalse(Launcher.alive(pid), "left running: " + pid));
    }

    @Test
    void upStartsRedisAndKafkaShowsEventsArrivingAndDownStopsEverything() throws Exception {
        Launcher l = new Launcher(tmp.resolve("data"));
        int redisPort = l.sparePort();
        l.env.put("NOWCAST_REDIS_PORT", String.valueOf(redisPort));
        io.nowcast.db.TestDatabase db = io.nowcast.db.TestDatabase.create("launcher");
        l.env.put("NOWCAST_PG_URL", db.database().url());
        try {
            Launcher.Result up = l.run("up");
            assertEquals(0, up.rc(), up.toString());
            assertTrue(up.out().contains("redis: started redis-server on 127.0.0.1:" + redisPort), up.toString());
            assertTrue(up.out().contains("simulator: writing about 100 events/s to user_activity, reached over 0s"),
                    "a demo's rate needs no ramp: " + up);

            Launcher.Result status = l.run("status");
            assertEquals(0, status.rc(), status.toString());
            assertTrue(status.out().matches("(?s).*kafka\\s+running\\s+\\d+\\s+" + l.kafkaPort() + "\\s+ok.*"), status.toString());
            assertTrue(status.out().matches("(?s).*redis\\s+running\\s+\\d+\\s+" + redisPort + "\\s+ok \\(PONG\\).*"), status.toString());
            assertTrue(status.out().matches("(?s).*simulator\\s+running\\s+\\d+.*"), status.toString());
            assertTrue(status.out().matches("(?s).*cdc\\s+running\\s+\\d+\\s+-\\s+ok \\(slot launcher_.*"), status.toString());
            assertTrue(up.out().contains("nowcast: catalog: loaded " + Launcher.ROOT.resolve("data/catalog.jsonl") + " into product_catalog"), up.toString());
            assertTrue(status.out().matches("(?s).*speed\\s+running\\s+\\d+\\s+-\\s+ok.*"), status.toString());
            assertTrue(status.out().matches("(?s).*refresher\\s+running\\s+\\d+\\s+-\\s+ok.*"), status.toString());
            assertTrue(status.out().matches("(?s).*batch\\s+running\\s+\\d+\\s+-\\s+ok \\(cron '0 2 \\* \\* \\*' UTC\\).*"), status.toString());
            Path autogroups = Path.of("/proc/sys/kernel/sched_autogroup_enabled");
            if (Files.exists(autogroups) && Files.readString(autogroups).trim().equals("1")) {
                // Each component is a session, so a scheduler autogroup, of its own: its niceness must be the group's too.
                Map<String, Long> pids = l.pids();
                assertEquals("nice 19", autogroupNice(pids.get("archive")), "the archive's autogroup");
                assertEquals("nice 15", autogroupNice(pids.get("refresher")), "the refresher's autogroup");
                assertEquals("nice 10", autogroupNice(pids.get("speed")), "the speed layer's autogroup");
                assertEquals("nice 0", autogroupNice(pids.get("serving")), "the REST API's autogroup");
            }
            String api = "http://127.0.0.1:" + l.env.get("NOWCAST_SERVING_PORT");
            assertTrue(status.out().matches("(?s).*serving\\s+running\\s+\\d+\\s+" + l.env.get("NOWCAST_SERVING_PORT") + "\\s+ok.*"), status.toString());

            try (RedisClient redis = RedisClient.create("127.0.0.1", redisPort)) {
                long deadline = System.currentTimeMillis() + 90_000;
                while (redis.zcard("trending:windows") == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                }
                assertTrue(redis.zcard("trending:windows") > 0, "the speed layer turned the simulator's views into trending windows");
                // Stream time comes with the users lane, which flushes after the trending lane.
                while (!redis.exists("stream:time") && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                assertTrue(redis.exists("stream:time"));
                // The refresher, a process of its own, merges the users the speed layer queued.
                while (redis.zcard("recommendations:users") == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(500);
                }
                assertTrue(redis.zcard("recommendations:users") > 0, "the refresher wrote per-user keys");
                // The catalog came through CDC: the table's rows, then a change made in the table.
                assertEquals(1000, redis.scard("products"), "the bundled catalog, snapshotted from PostgreSQL");
                try (java.sql.Connection c = db.database().connect(); java.sql.Statement s = c.createStatement()) {
                    s.execute("UPDATE product_catalog SET price = 7.77 WHERE product_id = 'product_00001'");
                }
                deadline = System.currentTimeMillis() + 60_000;
                while (!"7.77".equals(redis.hget("product:product_00001", "price")) && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals("7.77", redis.hget("product:product_00001", "price"), "a change in the table reaches Redis");
            }
            io.nowcast.testing.Http http = new io.nowcast.testing.Http(api);
            io.nowcast.testing.Http.Answer trending = http.get("/api/v1/trending");
            assertEquals(200, trending.status(), trending.toString());
            assertTrue(trending.json().get("items").size() > 0, "the API serves the stack's trending: " + trending);
            assertEquals(200, http.get("/health").status(), "Kafka, Redis and PostgreSQL all answer the API");
            assertTrue(status.out().matches("(?s).*dashboard\\s+running\\s+\\d+\\s+" + l.env.get("NOWCAST_DASHBOARD_PORT") + "\\s+ok.*"), status.toString());
            assertTrue(up.out().contains("password in " + l.data.resolve("dashboard-admin-password")), up.toString());
            io.nowcast.testing.Http dashboard = new io.nowcast.testing.Http("http://127.0.0.1:" + l.env.get("NOWCAST_DASHBOARD_PORT"));
            assertEquals(200, dashboard.get("/login").status());
            String password = Files.readString(l.data.resolve("dashboard-admin-password")).strip();
            io.nowcast.testing.Http.Answer login = dashboard.send("POST", "/login", "application/x-www-form-urlencoded",
                    ("username=admin&password=" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)).getBytes());
            assertEquals(303, login.status(), "the generated admin password logs in (a redirect to the overview): " + login);

            Launcher.Result tail = l.run("tail", "--count", "5", "--timeout", "60");
            assertEquals(0, tail.rc(), tail.toString());
            assertEquals(5, tail.out().strip().lines().filter(line -> line.contains("\"event_type\"")).count(), tail.toString());

            // The batch layer on demand, from imported history of the same default shop the demo's catalog holds.
            Path history = tmp.resolve("history.jsonl");
            // Ending now, so that it falls in the look-back that ends at the live events' newest day.
            Launcher.Result made = l.run("history", "--purchases", "20000", "--days", "30",
                    "--end", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), "--file", history.toString());
            assertEquals(0, made.rc(), made.toString());
            Launcher.Result imported = l.run("batch", "import", "--file", history.toString());
            assertEquals(0, imported.rc(), imported.toString());
            assertTrue(imported.out().contains("nowcast: imported 20"), imported.toString());
            Launcher.Result batch = l.run("batch", "run");
            assertEquals(0, batch.rc(), batch.toString());
            assertTrue(batch.out().matches("(?s).*nowcast: batch run \\d+ published version \\S+-r\\d+: .*"), batch.toString());
            try (RedisClient redis = RedisClient.create("127.0.0.1", redisPort)) {
                String version = redis.get("batch:current");
                assertTrue(batch.out().contains(version), batch.toString());
                assertTrue(redis.hlen("copurchase:" + version) > 100, "neighbours for many of the shop's products");
                String product = redis.hkeys("copurchase:" + version).iterator().next();
                io.nowcast.testing.Http.Answer together = http.get("/api/v1/products/" + product + "/bought-together");
                assertEquals(200, together.status(), together.toString());
                assertEquals(version, together.json().get("batch_version").asText());
                assertTrue(together.json().get("items").size() > 0, together.toString());
            }
        } finally {
            Map<String, Long> pids = l.pids();
            Launcher.Result down = l.run("down", "--purge");
            assertEquals(0, down.rc(), down.toString());
            assertEquals(Set.of("redis", "kafka", "cdc", "speed", "refresher", "archive", "batch", "serving", "dashboard", "simulator"), pids.keySet(), "the managed components");
            assertTrue(down.out().contains("dropped CDC's replication slot"), "--purge deletes CDC's offsets, so it drops the slot too: " + down);
            Launcher.Result dropped = l.run("catalog", "drop-slot");
            assertEquals(0, dropped.rc(), dropped.toString());
            assertTrue(dropped.out().contains("no replication slot " + l.env.get("NOWCAST_CDC_SLOT")), "already gone: " + dropped);
            pids.forEach((name, pid) -> assertFalse(Launcher.alive(pid), name + " still running"));
            assertFalse(Launcher.listening(l.kafkaPort()), "kafka port freed");
            assertFalse(Launcher.listening(redisPort), "redis port freed");
            assertFalse(Files.exists(tmp.resolve("data")), "--purge removes the data folder");
            db.close();
        }
        Launcher.Result after = l.run("status");
        assertEquals(1, after.rc(), "status fails when the stack is down: " + after);
    }

    @Test
    void whereNoPostgresAnswersUpRunsOneWithLogicalWalAndDownStopsIt() throws Exception {
        // Not under the private temporary folder: as root, PostgreSQL runs as the postgres user, who must reach its data.
        Launcher l = new Launcher(Files.createDirectories(Path.of("target", "launcher-pg-" + System.currentTimeMillis())).toAbsolutePath());
        int port = l.sparePort();
        l.env.put("NOWCAST_PG_URL", "jdbc:postgresql://127.0.0.1:" + port + "/nowcast");
        try {
            Launcher.Result up = l.run("up", "--infra");
            assertEquals(0, up.rc(), up.toString());
            assertTrue(up.out().contains("postgres: started PostgreSQL on 127.0.0.1:" + port + " with wal_level=logical"), up.toString());
            Launcher.Result status = l.run("status");
            assertTrue(status.out().matches("(?s).*postgres\\s+running\\s+\\d+\\s+" + port + "\\s+ok \\(wal_level=logical\\).*"), status.toString());
            // Ready for CDC as it stands: the preflight migrates the schema and checks wal_level.
            Launcher.Result preflight = l.run("catalog", "preflight");
            assertEquals(0, preflight.rc(), preflight.toString());
            assertTrue(preflight.out().contains("is ready for catalog CDC (wal_level=logical"), preflight.toString());
            assertTrue(l.pids().containsKey("postgres"), l.pids().toString());
        } finally {
            Map<String, Long> pids = l.pids();
            Launcher.Result down = l.run("down", "--purge");
            assertEquals(0, down.rc(), down.toString());
            pids.forEach((name, pid) -> assertFalse(Launcher.alive(pid), name + " still running"));
            assertFalse(Launcher.listening(port), "postgres port freed");
        }
    }

    @Test
    void demoRunsUntilCtrlCThenLeavesNoProcessesAndFreesThePorts() throws Exception {
        Launcher l = new Launcher(tmp);
        io.nowcast.db.TestDatabase db = io.nowcast.db.TestDatabase.create("demo");
        l.env.put("NOWCAST_PG_URL", db.database().url());
        String prefix = TestServers.uniquePrefix("demo");
        l.env.put("NOWCAST_REDIS_PREFIX", prefix);
        // A terminal starts the demo with SIGINT at its default disposition. Under a parent started as a
        // background job without job control (as CI may be), SIGINT arrives ignored, and bash cannot trap a
        // signal ignored on entry: the demo would never see Ctrl-C. Perl resets it, then execs in place.
        Launcher.Output demo = l.start(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\\n\""), "demo");
        try {
            assertTrue(demo.awaitLine("demo running", 300), "the demo did not report running within 300 s: " + demo + l.logTails());
            Map<String, Long> pids = l.pids();
            assertTrue(pids.keySet().containsAll(List.of("kafka", "speed", "simulator")), pids.toString());
            pids.values().forEach(pid -> assertTrue(Launcher.alive(pid)));

            // What a terminal's Ctrl-C does: SIGINT to the launcher.
            assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(demo.process().pid())).start().waitFor(), "kill -INT failed");
            assertTrue(demo.process().waitFor(180, TimeUnit.SECONDS), "demo did not stop within 180 s of SIGINT: " + demo
                    + Launcher.signalsAndChildren(demo.process()));
            assertEquals(130, demo.process().exitValue(), demo.toString());
            pids.forEach((name, pid) -> assertFalse(Launcher.alive(pid), name + " left running: " + demo));
            assertFalse(Launcher.listening(l.kafkaPort()), "kafka port freed");
            assertTrue(demo.awaitLine("kafka: stopped", 10), demo.toString());
        } finally {
            demo.process().destroyForcibly();
            demo.process().waitFor(30, TimeUnit.SECONDS);
            l.run("down"); // whatever a failed run left behind
            l.run("catalog", "drop-slot");
            db.close();
            try (RedisClient redis = RedisClient.create(TestServers.redis().redisHost(), TestServers.redis().redisPort())) {
                TestServers.deleteKeys(redis, prefix);
            }
        }
    }
}
