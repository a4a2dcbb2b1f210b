package io.nowcast.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./nowcast produce}: replays a JSON-lines file into a topic, for backfills and tests. Every
 * line is checked first; good lines are sent, bad ones are reported with their line number and reason.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Replays a file of JSON lines into a topic (user_activity or product_catalog).",
                "Lines are checked against the topic's schema; bad ones are reported and not sent.",
                "In a catalog file, {\"product_id\":\"p1\",\"deleted\":true} sends a delete (tombstone).",
                "Exit status: 0 all sent, 1 some lines rejected or not acknowledged, 2 bad usage."})
public final class ProduceCommand implements Callable<Integer> {
    private static final int SHOWN = 10;

    @Option(names = "--topic", required = true, description = "user_activity or product_catalog.")
    String topic;

    @Option(names = "--file", required = true, description = "The JSON-lines file to replay.")
    Path file;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--dry-run", description = "Check every line and report, but send nothing.")
    boolean dryRun;

    @Option(names = "--raw", description = "Send every non-blank line unchecked, bad ones too (to exercise the dead-letter path).")
    boolean raw;



    @Override
    public Integer call() throws IOException {
        if (!LineCheck.TOPICS.contains(topic)) {
            throw new IllegalArgumentException("unknown topic '" + topic + "'; produce writes to " + String.join(" or ", LineCheck.TOPICS.stream().sorted().toList()));
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file + " (no such file)");
        }
        String servers = kafka.bootstrap();
        long lines = 0;
        long sent = 0;
        List<String> rejected = new ArrayList<>();
        long rejectedCount = 0;
        try (BufferedReader in = Files.newBufferedReader(file);
             RecordSink sink = dryRun ? null : new KafkaSink(servers, topic)) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                LineCheck.Verdict v = raw ? new LineCheck.Verdict(null, line, null) : LineCheck.check(topic, line);
                if (!v.ok()) {
                    rejectedCount++;
                    if (rejected.size() < SHOWN) {
                        rejected.add("line " + lines + ": " + v.error());
                    }
                    continue;
                }
                if (sink != null) {
                    sink.send(v.key(), v.value());
                }
                sent++;
            }
            long failed = 0;
            if (sink != null) {
                sink.flush();
                failed = sink.failed();
                if (failed > 0) {
                    System.err.println("produce: " + failed + " records were not acknowledged by " + servers + ": " + sink.firstError());
                }
            }
            rejected.forEach(r -> System.err.println("produce: rejected " + r));
            if (rejectedCount > rejected.size()) {
                System.err.println("produce: ... and " + (rejectedCount - rejected.size()) + " more rejected lines");
            }
            System.out.println("produce: topic=" + topic + " file=" + file + " lines=" + lines
                    + (dryRun ? " valid=" : " sent=") + (sent - failed) + " rejected=" + rejectedCount + " failed=" + failed);
            if (rejectedCount > 0) {
                System.err.println("produce: error: " + rejectedCount + " of " + lines + " lines in " + file + " were rejected (first: " + rejected.get(0) + ")");
            }
            return rejectedCount > 0 || failed > 0 ? 1 : 0;
        }
    }
}
