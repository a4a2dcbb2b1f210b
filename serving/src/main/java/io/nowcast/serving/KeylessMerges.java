package io.nowcast.serving;

import io.nowcast.recommend.RecommendationStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merged lists of users Nowcast knows (their events are in Redis) but whose key the refresher has not
 * written yet, merged when asked for and batched: a merge thread takes every user waiting and merges them
 * in one {@link RecommendationStore#compute} call, whose reads are pipelined across the users (a dozen
 * round trips for hundreds of users instead of a dozen each), and a user asked for again while waiting
 * is merged once. The merge is written where the user still has no key
 * ({@link RecommendationStore#writeRecommendationsIfAbsent}), so their next requests are cache hits and
 * apps reading Redis see it too; the refresher, which has them queued, rewrites it from newer inputs.
 *
 * <p>Why: while the speed layer ingests, the refresher can be seconds behind and thousands of active
 * users have no key yet. Merged one request at a time on the answer threads, each merge waiting on a busy
 * Redis a dozen times, they held the API to about 1.4 K of 5 K requests/s (README). When more than
 * {@code maxWaiting} users wait, a newcomer is not queued: {@link #merge} answers null and the caller
 * serves the strangers' list, so an overloaded Redis costs those users their personal list, not everyone
 * their answer.
 */
final class KeylessMerges implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeylessMerges.class);
    static final int MAX_BATCH = 512;

    private final RecommendationStore store;
    private final int n;
    private final int maxWaiting;
    /** Users queued or being merged, each with the future all its requests share. */
    private final Map<Long, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Long> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final LongAdder merged = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private volatile boolean open = true;

    /** @param threads merge threads: with two, one merges while the other's reads wait on Redis */
    KeylessMerges(RecommendationStore store, int n, int maxWaiting, int threads) {
        this.store = store;
        this.n = n;
        this.maxWaiting = maxWaiting;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, "nowcast-keyless-merges-" + i);
            t.setDaemon(true);
            t.start();
            this.threads.add(t);
        }
    }

    /**
     * The JSON of {@code user}'s merged list as the refresher would write it, completed on a merge thread
     * (keep continuations short, or make them async); null at once when too many users are waiting.
     */
    CompletableFuture<String> merge(long user) {
        CompletableFuture<String> f = pending.get(user);
        if (f != null) {
            return f;
        }
        if (pending.size() >= maxWaiting) {
            shed.increment();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        f = pending.putIfAbsent(user, mine);
        if (f != null) {
            return f;
        }
        queue.add(user);
        return mine;
    }

    long merged() {
        return merged.sum();
    }

    /** Merges written as the user's key (the rest found a key written meanwhile, by the refresher). */
    long written() {
        return written.sum();
    }

    long batches() {
        return batches.sum();
    }

    long shed() {
        return shed.sum();
    }

    private void run() {
        List<Long> batch = new ArrayList<>(MAX_BATCH);
        while (open) {
            try {
                Long first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                Map<Long, String> json = store.compute(batch, n);
                written.add(store.writeRecommendationsIfAbsent(json));
                batches.increment();
                merged.add(batch.size());
                for (long u : batch) {
                    pending.remove(u).complete(json.get(u));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("merging {} users without a key failed: {}", batch.size(), e.toString());
                for (long u : batch) {
                    CompletableFuture<String> f = pending.remove(u);
                    if (f != null) {
                        f.completeExceptionally(e);
                    }
                }
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        threads.forEach(Thread::interrupt);
    }
}
