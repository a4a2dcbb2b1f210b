package io.nowcast.simulator;

import io.nowcast.catalog.ProductJson;
import io.nowcast.ingest.FileSink;
import io.nowcast.ingest.KafkaSink;
import io.nowcast.ingest.RecordSink;
import io.nowcast.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import io.nowcast.ingest.KafkaOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./nowcast simulate}: runs the shop simulator into Kafka or a file at a steady rate. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Runs a seeded synthetic shop and writes its activity to Kafka (or a JSON-lines file).",
                "Without --count or --duration it runs until Ctrl-C, then prints what it sent."})
public final class SimulateCommand implements Callable<Integer> {
    /** The shortest sleep between sends: events due meanwhile go out together, a millisecond's worth at most late. */
    static final long MIN_PARK_NANOS = 1_000_000L;

    @Option(names = "--rate", defaultValue = "1000", description = "Target events per second, held steadily (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--ramp", converter = DurationConverter.class, defaultValue = "0s",
            description = "Reach --rate linearly from 0 over this long, e.g. 60s, then hold it (default ${DEFAULT-VALUE}: at once).")
    Duration ramp;

    @Option(names = "--as-fast-as-possible", description = "Ignore --rate and send as fast as the sink takes them.")
    boolean asFastAsPossible;

    @Option(names = "--count", description = "Stop after this many records.")
    Long count;

    @Option(names = "--duration", converter = DurationConverter.class, description = "Stop after this long, e.g. 30s, 5m, 1h.")
    Duration duration;

    @Option(names = "--bad-rate", defaultValue = "0", description = "Fraction of records that are bad on purpose: malformed JSON, missing fields, wrong types, unknown event types, far-future timestamps.")
    double badRate;

    @Option(names = "--out", defaultValue = "kafka", description = "kafka or file (default ${DEFAULT-VALUE}).")
    String out;

    @Option(names = "--file", description = "With --out file: where the events go, as JSON lines.")
    Path file;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ShopOptions shopOptions;

    @Option(names = "--topic", defaultValue = Topics.USER_ACTIVITY, description = "Topic for events (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--no-catalog", description = "With --out kafka: do not publish the shop's catalog to " + Topics.PRODUCT_CATALOG + " first.")
    boolean noCatalog;

    @Option(names = "--start", description = "Use a simulated clock from this ISO-8601 instant instead of the wall clock (for backfills).")
    Instant start;

    @Option(names = "--sim-eps", defaultValue = "50", description = "With --start: events per second of simulated time (default ${DEFAULT-VALUE}).")
    double simEps;

    private volatile boolean stopping;


    @Override
    public Integer call() throws IOException {
        if (!out.equals("kafka") && !out.equals("file")) {
            throw new IllegalArgumentException("--out must be kafka or file, got '" + out + "'");
        }
        if (out.equals("file") && file == null) {
            throw new IllegalArgumentException("--out file needs --file PATH");
        }
        // Checks --rate and --ramp before anything is sent.
        Pace pace = asFastAsPossible ? null : new Pace(rate, ramp);
        if (simEps <= 0) {
            throw new IllegalArgumentException("--sim-eps must be positive, got " + simEps);
        }
        Shop shop = shopOptions.shop();
        shopOptions.writeSideFiles(shop);
        String servers = kafka.bootstrap();
        if (out.equals("kafka") && !noCatalog) {
            try (RecordSink catalog = new KafkaSink(servers, Topics.PRODUCT_CATALOG)) {
                shop.products().forEach(p -> catalog.send(p.productId(), ProductJson.write(p)));
                catalog.flush();
                if (catalog.failed() > 0) {
                    throw new IllegalStateException("publishing the catalog to " + servers + " failed: " + catalog.firstError());
                }
                System.err.println("simulate: published " + catalog.acknowledged() + " products to " + Topics.PRODUCT_CATALOG);
            }
        }
        try (RecordSink sink = out.equals("kafka") ? new KafkaSink(servers, topic) : new FileSink(file)) {
            return run(shop, sink, pace);
        }
    }

    private int run(Shop shop, RecordSink sink, Pace pace) {
        long[] simulated = {0};
        LongSupplier clock = start == null
                ? System::currentTimeMillis
                : () -> start.toEpochMilli() + (long) (simulated[0] * 1000 / simEps);
        ShopSimulator simulator = new ShopSimulator(shop, clock, badRate);
        Map<String, Long> byKind = new java.util.TreeMap<>();
        Map<BadKind, Long> bad = new EnumMap<>(BadKind.class);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping = true;
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        long begin = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : begin + duration.toNanos();
        long limit = count == null ? Long.MAX_VALUE : count;
        long sent = 0;
        long nextReport = begin + 5_000_000_000L;
        try {
            while (!stopping && sent < limit) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                long due = asFastAsPossible ? sent + 1_000 : (long) pace.dueWithin((now - begin) / 1e9) + 1;
                if (due <= sent) {
                    // Sleeping until the next single event was due woke this process 20,000 times a second at
                    // 20 K events/s, on the machine whose pipeline it loads; the producer lingers 5 ms anyway.
                    LockSupport.parkNanos(Math.max(MIN_PARK_NANOS, (long) (pace.secondsUntil(sent + 1) * 1e9) - (now - begin)));
                    continue;
                }
                long burst = Math.min(Math.min(due - sent, 5_000), limit - sent);
                for (long i = 0; i < burst; i++) {
                    ShopSimulator.Record r = simulator.next();
                    simulated[0]++;
                    sink.send(r.key(), r.value());
                    if (r.bad() != null) {
                        bad.merge(r.bad(), 1L, Long::sum);
                    } else {
                        byKind.merge(r.type().code(), 1L, Long::sum);
                    }
                }
                sent += burst;
                if (now >= nextReport) {
                    System.err.printf("simulate: %,d sent, %,.0f/s%n", sent, sent / ((now - begin) / 1e9));
                    nextReport += 5_000_000_000L;
                }
            }
            sink.flush();
            double seconds = (System.nanoTime() - begin) / 1e9;
            StringBuilder summary = new StringBuilder("simulate:");
            summary.append(" sent=").append(sent)
                    .append(" acknowledged=").append(sink.acknowledged())
                    .append(" failed=").append(sink.failed())
                    .append(" seconds=").append(String.format("%.2f", seconds))
                    .append(" eps=").append(Math.round(sent / Math.max(seconds, 1e-9)));
            byKind.forEach((k, v) -> summary.append(' ').append(k).append('=').append(v));
            bad.forEach((k, v) -> summary.append(" bad_").append(k.name().toLowerCase()).append('=').append(v));
            System.out.println(summary);
            System.out.flush();
            if (sink.failed() > 0) {
                System.err.println("simulate: " + sink.failed() + " records were not acknowledged; first error: " + sink.firstError());
                return 1;
            }
            return 0;
        } finally {
            finished.countDown();
            if (!stopping) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }
}
