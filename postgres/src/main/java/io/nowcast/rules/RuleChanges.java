package io.nowcast.rules;

import io.nowcast.recommend.MerchandisingRules;
import io.nowcast.recommend.RecommendationStore;
import io.nowcast.recommend.RulesJson;
import io.nowcast.redis.RedisKeys;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * How a rule change takes effect: it commits in PostgreSQL, the committed rule set is cached in Redis
 * ({@code rules:current}, {@code rules:version}; a newer cached version is never overwritten by an older
 * one), and every user with a key is re-merged in the background. Until their re-merge, the REST API
 * sees that a key predates the rules and merges that user on the spot, so a change shows on the next
 * read. Used by the REST API and the dashboard.
 */
public final class RuleChanges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuleChanges.class);
    private static final String PUBLISH = """
            local cur = tonumber(redis.call('GET', KEYS[2]) or '-1')
            if cur >= tonumber(ARGV[1]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], ARGV[1])
            return 1""";

    private final RuleStore store;
    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final RecommendationStore recommendations;
    private final int n;
    private final ExecutorService remerger = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "nowcast-rules-remerge");
        t.setDaemon(true);
        return t;
    });

    public RuleChanges(RuleStore store, UnifiedJedis redis, RedisKeys keys, int n) {
        this.store = store;
        this.redis = redis;
        this.keys = keys;
        this.recommendations = new RecommendationStore(redis, keys);
        this.n = n;
    }

    public List<Rule> list() {
        return store.list();
    }

    /** Adds or replaces a rule; returns the rule set now in force. */
    public MerchandisingRules put(Rule.Kind kind, String target, Integer position, String note, String by) {
        MerchandisingRules rules = store.put(kind, target, position, note, by);
        publish(rules);
        return rules;
    }

    /** Removes a rule; empty when there was no such rule. */
    public Optional<MerchandisingRules> remove(Rule.Kind kind, String target) {
        Optional<MerchandisingRules> rules = store.remove(kind, target);
        rules.ifPresent(this::publish);
        return rules;
    }

    /**
     * Caches PostgreSQL's rule set in Redis (on start, so a flushed or new Redis follows the database);
     * re-merges when that changed what Redis held.
     */
    public MerchandisingRules sync() {
        MerchandisingRules rules = store.current();
        publish(rules);
        return rules;
    }

    private Future<?> lastRemerge;
    /** A re-merge waits to start; later changes ride on it rather than queueing one each. */
    private final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();

    private void publish(MerchandisingRules rules) {
        Object changed = redis.eval(PUBLISH, List.of(keys.rules(), keys.rulesVersion()),
                List.of(Long.toString(rules.version()), RulesJson.write(rules)));
        if (Long.valueOf(1).equals(changed) && queued.compareAndSet(false, true)) {
            lastRemerge = remerger.submit(() -> {
                queued.set(false);
                try {
                    long t0 = System.nanoTime();
                    int users = recommendations.refreshEveryone(n, null);
                    LOG.info("rules version {}: re-merged {} users in {} ms", rules.version(), users, (System.nanoTime() - t0) / 1_000_000);
                } catch (RuntimeException e) {
                    LOG.warn("re-merging after rules version {} failed; reads still merge stale keys on the spot", rules.version(), e);
                }
            });
        }
    }

    /** Waits for the re-merge of the last change (tests, and a clean shutdown). */
    public void awaitRemerge() throws Exception {
        Future<?> f = lastRemerge;
        if (f != null) {
            f.get();
        }
    }

    @Override
    public void close() {
        remerger.shutdownNow();
    }
}
