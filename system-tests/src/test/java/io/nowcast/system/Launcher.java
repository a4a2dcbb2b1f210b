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

    /** Ports chosen with the launcher's own, for a test's servers of its own (a Redis, a PostgreSQL). */
    private static final int SPARE_PORTS = 2;
    private final int[] spare;
    private int spareUsed;

    Launcher(Path data) {
        this.data = data;
        env.put("NOWCAST_DATA_DIR", data.toString());
        env.put("NOWCAST_NO_BUILD", "1");
        int[] ports = freePorts(4 + SPARE_PORTS);
        spare = java.util.Arrays.copyOfRange(ports, 4, ports.length);
        env.put("NOWCAST_KAFKA_PORT", String.valueOf(ports[0]));
        env.put("NOWCAST_KAFKA_CONTROLLER_PORT", String.valueOf(ports[1]));
        env.put("NOWCAST_SIM_RATE", "100");
        env.put("NOWCAST_SERVING_PORT", String.valueOf(ports[2]));
        env.put("NOWCAST_DASHBOARD_PORT", String.valueOf(ports[3]));
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
        return builder(List.of(), args);
    }

    /** {@code prefix} runs the launcher (a wrapper that execs it), e.g. to set up its signals. */
    ProcessBuilder builder(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(ROOT.resolve("nowcast").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().remove("NOWCAST_KAFKA_BOOTSTRAP");
        pb.environment().putAll(env);
        return pb;
    }

    Result run(String... args) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("nowcast-out", ".txt");
            err = Files.createTempFile("nowcast-err", ".txt");
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
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a file left in the temporary folder is no reason to fail a test
        }
    }

    /**
     * A launcher left running in the foreground (demo), its stdout and stderr collected by a thread of
     * their own, so that a test waits for a line with a deadline and never blocks on a read.
     */
    Output start(List<String> prefix, String... args) throws IOException {
        Process p = builder(prefix, args).redirectErrorStream(true).start();
        Output output = new Output(p);
        Thread pump = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line);
                }
            } catch (IOException e) {
                output.append("[reading the launcher's output failed: " + e + "]");
            }
        }, "launcher-output");
        pump.setDaemon(true);
        pump.start();
        return output;
    }

    static final class Output {
        private final Process process;
        private final StringBuilder text = new StringBuilder();

        Output(Process process) {
            this.process = process;
        }

        Process process() {
            return process;
        }

        synchronized void append(String line) {
            text.append(line).append('\n');
            notifyAll();
        }

        /** Whether the output holds {@code needle} within {@code seconds}; false once the process has exited without it. */
        synchronized boolean awaitLine(String needle, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (text.indexOf(needle) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (!process.isAlive()) {
                    wait(200); // the last lines may still be in the pipe
                    return text.indexOf(needle) >= 0;
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
            }
            return true;
        }

        @Override
        public synchronized String toString() {
            return "\n--- launcher output (" + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ")\n" + text;
        }
    }

    /** A process's signal masks and what it is running, for a failure message about signals. */
    static String signalsAndChildren(Process p) {
        StringBuilder b = new StringBuilder("\n--- pid " + p.pid() + ": ");
        try {
            Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status")).stream()
                    .filter(line -> line.startsWith("Sig") || line.startsWith("ShdPnd") || line.startsWith("State")).forEach(line -> b.append(line).append("; "));
        } catch (IOException e) {
            b.append("(no /proc status: ").append(e).append(')');
        }
        try {
            b.append("wchan ").append(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "wchan")));
        } catch (IOException e) {
            b.append("(no wchan: ").append(e).append(')');
        }
        p.children().forEach(c -> b.append("\n  child ").append(c.pid()).append(": ").append(c.info().commandLine().orElse("?")));
        return b.toString();
    }

    /** The last lines of each component's log, for a failure message. */
    String logTails() {
        StringBuilder b = new StringBuilder();
        Path logs = data.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "\n(no logs in " + logs + ")";
        }
        try (var files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = new String(Files.readAllBytes(f), StandardCharsets.UTF_8).lines().toList();
                b.append("\n--- ").append(f.getFileName()).append(" (last 20 of ").append(lines.size()).append(" lines)\n");
                lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(line -> b.append(line).append('\n'));
            }
        } catch (IOException e) {
            b.append("\n(reading ").append(logs).append(" failed: ").append(e).append(')');
        }
        return b.toString();
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

    /** A free port for a server the test starts beside the launcher's, distinct from all of its ports. */
    int sparePort() {
        return spare[spareUsed++];
    }

    /**
     * {@code n} distinct free loopback ports. Each is held until all are chosen: one at a time, the kernel
     * can hand out a port it just took back (a CI run once gave the broker and the dashboard both 42761).
     */
    static int[] freePorts(int n) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket that accepted nothing
                }
            }
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
