package io.nowcast.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ./nowcast} as a user would, with its own data folder and ports so that it never touches
 * a stack the developer has running. It never builds (NOWCAST_NO_BUILD): the reactor built it already.
 */
final class Launcher {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    final Path data;
    final Map<String, String> env = new HashMap<>();

    Launcher(Path data) {
        this.data = data;
        env.put("NOWCAST_DATA_DIR", data.toString());
        env.put("NOWCAST_NO_BUILD", "1");
        env.put("NOWCAST_KAFKA_PORT", String.valueOf(freePort()));
        env.put("NOWCAST_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
        env.put("NOWCAST_SIM_RATE", "100");
        env.put("NOWCAST_SERVING_PORT", String.valueOf(freePort()));
        env.put("NOWCAST_DASHBOARD_PORT", String.valueOf(freePort()));
        // CDC's replication slot and publication are per launcher, so a test never meets another's.
        String slot = "launcher_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        env.put("NOWCAST_CDC_SLOT", slot);
        env.put("NOWCAST_CDC_PUBLICATION", slot);
    }

    record Result(int rc, String out, String err) {
        @Override
        public String toString() {
            return "exit " + rc + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    ProcessBuilder builder(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("nowcast").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().remove("NOWCAST_KAFKA_BOOTSTRAP");
        pb.environment().putAll(env);
        return pb;
    }

    Result run(String... args) {
        try {
            Path out = Files.createTempFile("nowcast-out", ".txt");
            Path err = Files.createTempFile("nowcast-err", ".txt");
            Process p = builder(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("./nowcast " + String.join(" ", args) + " did not finish in 180 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int kafkaPort() {
        return Integer.parseInt(env.get("NOWCAST_KAFKA_PORT"));
    }

    /** The pids the launcher recorded for the components it manages. */
    Map<String, Long> pids() {
        Map<String, Long> pids = new HashMap<>();
        Path run = data.resolve("run");
        if (!Files.isDirectory(run)) {
            return pids;
        }
        try (var files = Files.list(run)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".pid")) {
                    pids.put(name.substring(0, name.length() - 4), Long.parseLong(Files.readString(f, StandardCharsets.UTF_8).trim()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
