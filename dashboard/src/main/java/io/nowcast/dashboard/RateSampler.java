package io.nowcast.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the speed layer's counters every few seconds, so the overview can chart events applied per
 * second and dead letters per reason over the last half hour (Redis keeps only totals).
 */
final class RateSampler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateSampler.class);
    static final int KEEP = 360;

    record Sample(long at, long events, Map<String, Long> dlq) {}

    private final DashboardData data;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-sampler");
        t.setDaemon(true);
        return t;
    });

    RateSampler(DashboardData data, long everyMillis) {
        this.data = data;
        timer.scheduleAtFixedRate(this::sample, 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            Sample s = new Sample(System.currentTimeMillis(), data.eventsApplied(), data.dlqCounts());
            synchronized (samples) {
                samples.addLast(s);
                while (samples.size() > KEEP) {
                    samples.removeFirst();
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("sampling the speed layer's counters failed: {}", e.toString());
        }
    }

    /** Chart data: x (seconds), events/s, and per DLQ reason records/s, between consecutive samples. */
    Map<String, Object> series() {
        List<Sample> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        TreeSet<String> reasons = new TreeSet<>();
        s.forEach(x -> reasons.addAll(x.dlq().keySet()));
        List<Long> x = new ArrayList<>();
        List<Double> events = new ArrayList<>();
        Map<String, List<Double>> dlq = new LinkedHashMap<>();
        reasons.forEach(r -> dlq.put(r, new ArrayList<>()));
        for (int i = 1; i < s.size(); i++) {
            Sample a = s.get(i - 1);
            Sample b = s.get(i);
            double secs = Math.max(0.001, (b.at() - a.at()) / 1000.0);
            x.add(b.at() / 1000);
            events.add(Math.max(0, b.events() - a.events()) / secs);
            for (String r : reasons) {
                dlq.get(r).add(Math.max(0, b.dlq().getOrDefault(r, 0L) - a.dlq().getOrDefault(r, 0L)) / secs);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("x", x);
        out.put("events", events);
        out.put("dlq", dlq);
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
