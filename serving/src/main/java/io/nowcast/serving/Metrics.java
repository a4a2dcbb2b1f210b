package io.nowcast.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;

/** The API's Prometheus metrics: requests by route and status, what the endpoints did, and the JVM. */
final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter fallbacks;
    private final Counter remerged;
    private final Counter accepted;

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        fallbacks = Counter.builder("nowcast_recommendations_without_key")
                .description("recommendation reads for users without a key (merged on the spot; trending for strangers)").register(registry);
        remerged = Counter.builder("nowcast_recommendations_remerged_on_read")
                .description("recommendation reads that found a key older than the rules and merged it again").register(registry);
        accepted = Counter.builder("nowcast_events_accepted").description("events produced to user_activity").register(registry);
    }

    /** One finished request; {@code route} is the matched path template, so ids do not explode the label set. */
    void request(String method, String route, int status, float millis) {
        timers.computeIfAbsent(method + ' ' + status + ' ' + route, k -> Timer.builder("nowcast_http_requests").tag("method", method)
                .tag("route", route).tag("status", Integer.toString(status)).register(registry))
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    void fallback() {
        fallbacks.increment();
    }

    void remergedOnRead() {
        remerged.increment();
    }

    void eventsAccepted(int n) {
        accepted.increment(n);
    }

    void eventRejected(String reason) {
        Counter.builder("nowcast_events_rejected").tag("reason", reason).register(registry).increment();
    }

    String scrape() {
        return registry.scrape();
    }
}
