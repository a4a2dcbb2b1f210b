package io.nowcast.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark job as a process of its own, as ./nowcast runs it, so a test can kill -9 it. The classpath is
 * the module's own (target/classes, classpath.txt, provided-classpath.txt), so run it from failsafe.
 */
public final class JobProcess {
    private final Process process;
    public final Path log;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static JobProcess start(Class<?> mainClass, Map<String, String> env, Path log, String... args) {
        return start(Path.of("target"), mainClass.getName(), env, log, args);
    }

    /** A main class of another module of this build (e.g. {@code speed-layer}), on that module's classpath. */
    public static JobProcess startInModule(String module, String mainClass, Map<String, String> env, Path log, String... args) {
        return start(Path.of("..", module, "target"), mainClass, env, log, args);
    }

    private static JobProcess start(Path target, String mainClass, Map<String, String> env, Path log, String... args) {
        try {
            String cp = String.join(":", target.resolve("classes").toAbsolutePath().toString(),
                    Files.readString(target.resolve("classpath.txt")).trim(),
                    Files.readString(target.resolve("provided-classpath.txt")).trim());
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String opens = System.getProperty("nowcast.spark.jvm.opens");
            if (opens == null) {
                throw new AssertionError("run through failsafe: it passes Spark's JVM options as nowcast.spark.jvm.opens");
            }
            cmd.addAll(Arrays.asList(opens.trim().split("\\s+")));
            // Spark's scratch folders and the native libraries it unpacks go to java.io.tmpdir, and a job
            // killed with -9 leaves them there: keep them under this module's target, not /tmp.
            Path tmp = Files.createDirectories(Path.of("target", "job-tmp").toAbsolutePath());
            cmd.addAll(List.of("-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-cp", cp, mainClass));
            cmd.addAll(Arrays.asList(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            return new JobProcess(pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + mainClass + " from " + target.toAbsolutePath(), e);
        }
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself; returns its exit code, or -1 if it had not ended in time. */
    public int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    public boolean alive() {
        return process.isAlive();
    }
}
