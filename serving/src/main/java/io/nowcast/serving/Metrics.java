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
    private final Counter strangerVerdicts;

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        fallbacks = Counter.builder("nowcast_recommendations_without_key")
                .description("recommendation reads for users without a key (merged on the spot; trending for strangers)").register(registry);
        remerged = Counter.builder("nowcast_recommendations_remerged_on_read")
                .description("recommendation reads that found a key older than the rules and merged it again").register(registry);
        strangerVerdicts = Counter.builder("nowcast_stranger_verdicts_reused")
                .description("reads of users found strangers within the last second, answered with the strangers' list without asking Redis again").register(registry);
        accepted = Counter.builder("nowcast_events_accepted").description("events produced to user_activity").register(registry);
    }

    /** One finished request; {@code route} is the matched path template, so ids do not explode the label set. */
    void request(String method, String route, int status, float millis) {
        requests(method, route, status).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    }

    /** The timer of requests with this method, route template and status. */
    Timer requests(String method, String route, int status) {
        return timers.computeIfAbsent(method + ' ' + status + ' ' + route, k -> Timer.builder("nowcast_http_requests").tag("method", method)
                .tag("route", route).tag("status", Integer.toString(status)).register(registry));
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    void fallback() {
        fallbacks.increment();
    }

    void strangerVerdictReused() {
        strangerVerdicts.increment();
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

    /** Hits, misses and invalidations of the tracked cache of per-user keys, and whether it is serving. */
    void track(TrackedValues cache) {
        counter("nowcast_key_cache_hits", cache, TrackedValues::hits,
                "per-user key and rules-version reads answered from this process's cache, without Redis");
        counter("nowcast_key_cache_misses", cache, TrackedValues::misses, "per-user key and rules-version reads that went to Redis");
        counter("nowcast_key_cache_invalidations", cache, TrackedValues::invalidations, "keys Redis said changed (client tracking)");
        counter("nowcast_key_cache_stale_answers", cache, TrackedValues::staleHits,
                "reads of a per-user key answered with its value from before a change, while it was read again (at most a second old)");
        io.micrometer.core.instrument.Gauge.builder("nowcast_key_cache_live", cache, c -> c.live() ? 1 : 0)
                .description("1 while Redis invalidations arrive and the cache serves hits").register(registry);
    }

    /** Merges of users without a key (KeylessMerges): users merged, written, batches, and users sent the strangers' list instead. */
    void track(KeylessMerges merges) {
        counter("nowcast_keyless_merges", merges, KeylessMerges::merged, "users without a key merged on request");
        counter("nowcast_keyless_merges_written", merges, KeylessMerges::written,
                "of those, merges written as the user's key (the others found one written meanwhile)");
        counter("nowcast_keyless_merge_batches", merges, KeylessMerges::batches, "batches those merges ran in");
        counter("nowcast_keyless_merges_shed", merges, KeylessMerges::shed,
                "requests of users without a key answered with the strangers' list because too many merges waited");
    }

    /** Keys re-read as soon as Redis said they changed while cached (ReadApi), so the next request hits. */
    void rereads(java.util.concurrent.atomic.LongAdder count) {
        counter("nowcast_key_cache_rereads", count, java.util.concurrent.atomic.LongAdder::sum,
                "cached keys read again as soon as Redis said they changed");
    }

    /** A counter Prometheus reads from {@code source} at each scrape; Micrometer holds {@code source} weakly, so its owner must keep it. */
    private <T> void counter(String name, T source, java.util.function.ToDoubleFunction<T> value, String description) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    String scrape() {
        return registry.scrape();
    }
}
