package io.nowcast.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Redis reads of concurrent requests sent together: a reads thread takes every read waiting, sends them
 * as one pipeline and completes each request's future; a few such threads keep several pipelines in flight. Blocking one request thread per Redis round trip
 * cost more CPU than the rest of a request on this 2-core machine (a pooled blocking GET runs at about
 * 60 K/s machine-wide; pipelined, Redis takes hundreds of thousands); here a busy second costs a few
 * thousand round trips instead of one per request, and no request thread waits on Redis.
 */
final class PipelinedReads implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelinedReads.class);
    private static final int MAX_BATCH = 512;

    private record Read<T>(Function<AbstractPipeline, Response<T>> op, CompletableFuture<T> done) {
        void send(AbstractPipeline p, List<Response<?>> into) {
            into.add(op.apply(p));
        }

        @SuppressWarnings("unchecked")
        void complete(Response<?> r) {
            try {
                done.complete((T) r.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }

    private final UnifiedJedis redis;
    private final BlockingQueue<Read<?>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean open = true;

    /**
     * @param pipelines how many pipelines may be in flight at once, one thread each: while Redis runs a
     *     long script (the speed layer's flushes take milliseconds under load), one pipeline in flight
     *     would cap reads at one batch per script
     */
    PipelinedReads(UnifiedJedis redis, int pipelines) {
        this.redis = redis;
        for (int i = 0; i < pipelines; i++) {
            Thread t = new Thread(this::run, "nowcast-redis-reads-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Queues one read (e.g. {@code p -> p.mget(a, b)}); its future completes on the reads thread, so keep continuations short. */
    <T> CompletableFuture<T> read(Function<AbstractPipeline, Response<T>> op) {
        CompletableFuture<T> done = new CompletableFuture<>();
        queue.add(new Read<>(op, done));
        return done;
    }

    private void run() {
        List<Read<?>> batch = new ArrayList<>(MAX_BATCH);
        List<Response<?>> responses = new ArrayList<>(MAX_BATCH);
        while (open) {
            try {
                Read<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                try (AbstractPipeline p = redis.pipelined()) {
                    for (Read<?> r : batch) {
                        r.send(p, responses);
                    }
                    p.sync();
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(responses.get(i));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("a pipeline of {} reads failed: {}", batch.size(), e.toString());
                batch.forEach(r -> r.done.completeExceptionally(e));
            } finally {
                batch.clear();
                responses.clear();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        threads.forEach(Thread::interrupt);
    }
}
