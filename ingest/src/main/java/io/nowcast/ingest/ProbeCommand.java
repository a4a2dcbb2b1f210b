package io.nowcast.ingest;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * {@code ./nowcast probe}: measures freshness as an app sees it. It sends page views of unique probe
 * products by unique probe users and times, from the moment before each send, until the view shows in
 * its trending window's counts (written by the same atomic call as the trending hash) and until the
 * user's recommendation key appears. On the way to the key it also times the users lane's part: until the
 * user's viewed set appears, which the same transaction that queues the user for re-merge writes
 * ({@code inputs_p50_ms}, {@code inputs_p99_ms}); the rest of the key's wait is the refresher's.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Measures freshness: event produced → visible in trending, and → the user's recommendation key written.")
public final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "20", description = "Probes per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "30s", converter = io.nowcast.simulator.DurationConverter.class,
            description = "How long to send the probes that count, after --warmup (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = io.nowcast.simulator.DurationConverter.class,
            description = "Before --duration, send probes for this long that are timed but not counted: the probe's own start "
                    + "(its first sends, connections, JIT) is not the pipeline's freshness (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--timeout", defaultValue = "10s", converter = io.nowcast.simulator.DurationConverter.class,
            description = "A probe not seen within this long counts as missed, and as this long in the percentiles (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--timeline", description = "Also write one line per probe to this file: the send's wall-clock time (epoch ms), "
            + "its partition key (user), its trending, users-lane (inputs) and user-key latencies in ms (-1: not seen) and whether it counted (0 in --warmup), "
            + "to see when the slow ones happened.")
    java.nio.file.Path timeline;

    @Option(names = "--lag", description = "Instead of probing, print how many user_activity records the speed layer has not applied yet.")
    boolean lagOnly;

    @Mixin
    KafkaOptions kafka;

    private final Endpoints endpoints;

    public ProbeCommand(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    private static final class Probe {
        final long user;
        final String product;
        final Instant at;
        final long sentNanos;
        final boolean counted;
        long trendingNanos = -1;
        /** When the users lane's flush was seen to have applied the view (the user's viewed set exists): queued for re-merge. */
        long inputsNanos = -1;
        long mergedNanos = -1;
        /** When (System.nanoTime) the poller checks trending, and the user's key, next, and when it last did. */
        long nextTrendingCheck;
        long nextMergedCheck;
        long lastTrendingCheck;
        long lastMergedCheck;

        Probe(long user, String product, Instant at, long sentNanos, boolean counted) {
            this.counted = counted;
            this.user = user;
            this.product = product;
            this.at = at;
            this.sentNanos = sentNanos;
        }

        /** Milliseconds from the send until {@code seenNanos}, or -1 if it was not seen. */
        double ms(long seenNanos) {
            return seenNanos < 0 ? -1 : (seenNanos - sentNanos) / 1e6;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (rate <= 0) {
            throw new IllegalArgumentException("--rate must be positive");
        }
        RedisKeys keys = new RedisKeys(endpoints.redisPrefix());
        if (lagOnly) {
            System.out.println("probe: lag=" + lag(keys));
            return 0;
        }
        String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        long userBase = 3_000_000_000L + (System.currentTimeMillis() % 1_000_000L) * 10_000L;
        ConcurrentLinkedQueue<Probe> sent = new ConcurrentLinkedQueue<>();
        List<Probe> all = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap(), ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
             RedisClient redis = RedisClient.create(endpoints.redisHost(), endpoints.redisPort())) {
            // Connections and the topic's metadata first, so that the first probe does not wait for them.
            producer.partitionsFor(Topics.USER_ACTIVITY);
            redis.ping();
            Thread poller = new Thread(() -> poll(redis, keys, sent), "probe-poller");
            poller.setDaemon(true);
            poller.start();
            long start = System.nanoTime();
            long countFrom = start + warmup.toNanos();
            long end = countFrom + duration.toNanos();
            for (int n = 0; System.nanoTime() < end; n++) {
                long due = start + (long) (n * 1e9 / rate);
                // One wake-up per probe: latencies count from the send, so a late wake-up costs nothing but
                // a later send, while sleeping in 0.2 ms steps woke this process 5,000 times a second on
                // the machine it measures.
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                Instant at = Instant.now();
                long user = userBase + n;
                String product = "probe_" + run + "_" + n;
                String json = "{\"event_type\":\"page_view\",\"user_id\":" + user + ",\"product_id\":\"" + product
                        + "\",\"timestamp\":\"" + at + "\"}";
                Probe p = new Probe(user, product, at, System.nanoTime(), due >= countFrom);
                producer.send(new ProducerRecord<>(Topics.USER_ACTIVITY, Long.toString(user), json));
                all.add(p);
                sent.add(p);
                LockSupport.unpark(poller);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            done = false;
            Thread.sleep(20);
            while (!done && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            poller.interrupt();
        }
        // Each measure on its own: a probe whose key came late still timed its trending view. A probe not
        // seen within the timeout counts as the timeout, so a percentile is never better than the truth.
        double timeoutMs = timeout.toMillis();
        List<Double> trending = new ArrayList<>();
        List<Double> merged = new ArrayList<>();
        List<Double> inputs = new ArrayList<>();
        int trendingMissed = 0;
        int mergedMissed = 0;
        int warmupProbes = 0;
        for (Probe p : all) {
            if (!p.counted) {
                warmupProbes++;
                continue;
            }
            trendingMissed += p.trendingNanos < 0 ? 1 : 0;
            mergedMissed += p.mergedNanos < 0 ? 1 : 0;
            trending.add(p.trendingNanos < 0 ? timeoutMs : p.ms(p.trendingNanos));
            merged.add(p.mergedNanos < 0 ? timeoutMs : p.ms(p.mergedNanos));
            inputs.add(p.inputsNanos < 0 ? timeoutMs : p.ms(p.inputsNanos));
        }
        if (timeline != null) {
            StringBuilder lines = new StringBuilder("sent_epoch_ms user trending_ms inputs_ms merged_ms counted\n");
            for (Probe p : all) {
                lines.append(String.format(java.util.Locale.ROOT, "%d %d %.1f %.1f %.1f %d\n",
                        p.at.toEpochMilli(), p.user, p.ms(p.trendingNanos), p.ms(p.inputsNanos), p.ms(p.mergedNanos), p.counted ? 1 : 0));
            }
            java.nio.file.Files.writeString(timeline, lines);
        }
        int missed = Math.max(trendingMissed, mergedMissed);
        System.out.printf("probe: probes=%d missed=%d trending_missed=%d merged_missed=%d trending_p50_ms=%.1f trending_p99_ms=%.1f merged_p50_ms=%.1f merged_p99_ms=%.1f inputs_p50_ms=%.1f inputs_p99_ms=%.1f warmup_probes=%d%n",
                trending.size(), missed, trendingMissed, mergedMissed, Percentiles.of(trending, 50), Percentiles.of(trending, 99),
                Percentiles.of(merged, 50), Percentiles.of(merged, 99), Percentiles.of(inputs, 50), Percentiles.of(inputs, 99), warmupProbes);
        return missed == 0 ? 0 : 1;
    }

    /** Records in user_activity past the offsets the speed layer has applied to Redis, over all partitions. */
    private long lag(RedisKeys keys) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()),
                     new StringDeserializer(), new StringDeserializer());
             RedisClient redis = RedisClient.create(endpoints.redisHost(), endpoints.redisPort())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.USER_ACTIVITY, Duration.ofSeconds(15)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(parts, Duration.ofSeconds(15)).entrySet()) {
                String applied = redis.get(keys.activityOffset(e.getKey().partition()));
                long done = applied == null ? 0 : Long.parseLong(applied) + 1;
                lag += Math.max(0, e.getValue() - done);
            }
            return lag;
        }
    }

    /**
     * Checks outstanding probes in pipelines, each probe again after {@link #RESOLUTION_DIVISOR}th of its age
     * so far: at most once a millisecond for its first 20 ms, then less often, so that a latency is
     * overstated by at most one poll or 5 % of itself. Checking every outstanding probe once a millisecond,
     * as the poller did, made its own load on Redis grow with the latency it measured: with trending seconds
     * behind at 100 K events/s, 93,000 {@code ZSCORE}s and 39,000 {@code EXISTS} a second. Recommendation keys
     * are checked at most every {@link #MERGED_MIN_GAP_MS} ms (their target is hundreds of milliseconds).
     * Between polls the thread sleeps until the next check falls due, or a new probe is sent (the sender
     * unparks it): waking every millisecond whether or not a check was due took 1.2 s of CPU in a 20 s probe,
     * at niceness 0, on the two-core machine it measures (README, Benchmarks, "Lighter instruments").
     */
    private void poll(RedisClient redis, RedisKeys keys, ConcurrentLinkedQueue<Probe> outstanding) {
        List<Probe> trendingPending = new ArrayList<>();
        List<Probe> mergedPending = new ArrayList<>();
        List<Probe> trendingDue = new ArrayList<>();
        List<Probe> mergedDue = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            for (Probe p; (p = outstanding.poll()) != null; ) {
                trendingPending.add(p);
                mergedPending.add(p);
            }
            long start = System.nanoTime();
            trendingDue.clear();
            mergedDue.clear();
            for (Probe p : trendingPending) {
                if (nearlyDue(p.lastTrendingCheck, p.nextTrendingCheck, start)) {
                    trendingDue.add(p);
                }
            }
            for (Probe p : mergedPending) {
                if (nearlyDue(p.lastMergedCheck, p.nextMergedCheck, start)) {
                    mergedDue.add(p);
                }
            }
            if (!trendingDue.isEmpty() || !mergedDue.isEmpty()) {
                check(redis, keys, trendingDue, mergedDue);
                trendingPending.removeIf(p -> p.trendingNanos >= 0);
                mergedPending.removeIf(p -> p.mergedNanos >= 0);
            }
            done = trendingPending.isEmpty() && mergedPending.isEmpty() && outstanding.isEmpty();
            long wake = Long.MAX_VALUE;
            for (Probe p : trendingPending) {
                wake = Math.min(wake, p.nextTrendingCheck);
            }
            for (Probe p : mergedPending) {
                wake = Math.min(wake, p.nextMergedCheck);
            }
            // At least a millisecond after this poll began, as before; a new probe wakes it at once.
            long sleep = wake == Long.MAX_VALUE ? IDLE_PARK_NANOS : Math.max(wake, start + MIN_POLL_GAP_NANOS) - System.nanoTime();
            if (sleep > 0 && outstanding.isEmpty()) {
                LockSupport.parkNanos(Math.min(sleep, IDLE_PARK_NANOS));
            }
        }
    }

    /** One pipeline of checks for the probes due; marks each seen, or sets its next check. */
    private static void check(RedisClient redis, RedisKeys keys, List<Probe> trendingDue, List<Probe> mergedDue) {
        List<Response<Double>> counts = new ArrayList<>();
        List<Response<Boolean>> keysExist = new ArrayList<>();
        List<Response<Boolean>> inputsExist = new ArrayList<>();
        try (AbstractPipeline pipe = redis.pipelined()) {
            for (Probe p : trendingDue) {
                Instant window = p.at.minusMillis(p.at.toEpochMilli() % 3_600_000L);
                counts.add(pipe.zscore(keys.trendingCounts(window), p.product));
            }
            for (Probe p : mergedDue) {
                keysExist.add(pipe.exists(keys.recommendations(p.user)));
                inputsExist.add(p.inputsNanos < 0 ? pipe.exists(keys.viewed(p.user)) : null);
            }
            pipe.sync();
        }
        long now = System.nanoTime();
        for (int i = 0; i < counts.size(); i++) {
            Probe p = trendingDue.get(i);
            if (counts.get(i).get() != null) {
                p.trendingNanos = now;
            } else {
                p.lastTrendingCheck = now;
                p.nextTrendingCheck = nextCheck(p.sentNanos, now, 0);
            }
        }
        for (int i = 0; i < keysExist.size(); i++) {
            Probe p = mergedDue.get(i);
            if (inputsExist.get(i) != null && inputsExist.get(i).get()) {
                p.inputsNanos = now;
            }
            if (keysExist.get(i).get()) {
                p.mergedNanos = now;
                p.inputsNanos = p.inputsNanos < 0 ? now : p.inputsNanos; // a key needs the inputs first
            } else {
                p.lastMergedCheck = now;
                p.nextMergedCheck = nextCheck(p.sentNanos, now, MERGED_MIN_GAP_MS * 1_000_000L);
            }
        }
    }

    /** When to check a probe not seen at {@code now} again: after a {@link #RESOLUTION_DIVISOR}th of its age, and at least {@code minGapNanos}. */
    static long nextCheck(long sentNanos, long now, long minGapNanos) {
        return now + Math.max(minGapNanos, (now - sentNanos) / RESOLUTION_DIVISOR);
    }

    /**
     * Whether a poll at {@code now} checks a probe whose last check was at {@code last} and whose next falls
     * due at {@code next}: from half-way between them, so that a poll due for one probe takes the others
     * nearly due along (fewer wake-ups; checking early never overstates a latency).
     */
    static boolean nearlyDue(long last, long next, long now) {
        return now >= next - (next - last) / 2;
    }

    /** A probe is checked again after this fraction of its age: a latency is overstated by at most 5 %. */
    static final int RESOLUTION_DIVISOR = 20;
    private static final int MERGED_MIN_GAP_MS = 5;
    /** The shortest gap between two polls, as when the poller slept a millisecond after each. */
    private static final long MIN_POLL_GAP_NANOS = 1_000_000L;
    /** With nothing pending, the poller still looks at its interrupt and queue this often. */
    private static final long IDLE_PARK_NANOS = 100_000_000L;
    /** Whether the poller has seen every probe sent so far (read by the sender to stop waiting early). */
    private volatile boolean done;
}
