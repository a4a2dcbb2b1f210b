package io.nowcast.serving;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/**
 * String values of Redis keys under a few prefixes, held in this process and dropped as soon as Redis
 * says they changed: Redis's server-assisted client-side caching ({@code CLIENT TRACKING} in broadcast
 * mode, redirected to a connection subscribed to {@code __redis__:invalidate}). A hit costs no round
 * trip, so a read of an unchanged key never waits behind the speed layer's scripts.
 *
 * <p>Jedis has this built in, but only for Redis 7.4 and later (it refuses older servers); this works from
 * Redis 6. It needs no tracking on the connections that read: broadcast mode reports every change to a
 * key under the prefixes, whoever reads it.
 *
 * <p>Consistency: a value read from Redis is kept only if no invalidation of its key arrived between the
 * start of the read and its end ({@link #reading}/{@link #read}), so a change racing a read is never lost.
 * A change made by another client shows here once its invalidation message arrives (on loopback, well
 * under a millisecond after Redis applied it). When either connection fails, nothing is served from the
 * cache until both are back and the cache is empty again; a health check every second notices a
 * tracking connection that died silently, so that is also the longest a missed change could be served.
 */
final class TrackedValues implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrackedValues.class);
    private static final String CHANNEL = "__redis__:invalidate";
    static final long CHECK_MILLIS = 1_000;

    /** A cached value ({@code value} null: the key does not exist), valid in one generation only. */
    record Hit(String value, long generation) {}

    /**
     * A read under way; it may store its result only if the entry is still this ticket. A re-read of a
     * key that changed while cached carries the value it replaces ({@code stale}) and when Redis said it
     * changed ({@code staleSince}, {@link System#nanoTime()}), for {@link #stale}.
     */
    static final class Ticket {
        final String key;
        final long generation;
        final Hit stale;
        final long staleSince;

        private Ticket(String key, long generation, Hit stale, long staleSince) {
            this.key = key;
            this.generation = generation;
            this.stale = stale;
            this.staleSince = staleSince;
        }
    }

    private final HostAndPort node;
    private final List<String> prefixes;
    /** Key → {@link Hit} or the {@link Ticket} of a read under way. */
    private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
    /** Bumped whenever tracking stops or starts: entries of another generation are never served. */
    private final AtomicLong generation = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder staleHits = new LongAdder();
    private final long staleNanos;
    private final int maxEntries;
    private volatile boolean live;
    private volatile boolean open = true;
    private volatile Connection listener;
    private volatile Connection tracker;
    private final Thread thread;
    private final Object started = new Object();
    private volatile java.util.function.Consumer<Ticket> onChange = ticket -> {};

    /**
     * @param prefixes key prefixes to track; Redis refuses prefixes where one starts another
     * @param maxEntries the cache is emptied when it grows past this (a miss only costs one read)
     * @param staleMillis how long after Redis said a cached key changed {@link #stale} may still give its
     *     old value while the key is read again
     */
    TrackedValues(String host, int port, List<String> prefixes, int maxEntries, long staleMillis) {
        this.node = new HostAndPort(host, port);
        this.prefixes = List.copyOf(prefixes);
        this.maxEntries = maxEntries;
        this.staleNanos = staleMillis * 1_000_000L;
        this.thread = new Thread(this::run, "nowcast-redis-invalidations");
        thread.setDaemon(true);
        thread.start();
    }

    /** The prefixes of the per-user keys (a key prefix, then the user id's first digit) and of the rules' version. */
    static List<String> servingPrefixes(io.nowcast.redis.RedisKeys keys) {
        List<String> out = new ArrayList<>();
        for (int d = 0; d <= 9; d++) {
            out.add(keys.prefix() + d);
        }
        out.add(keys.rulesVersion());
        return out;
    }

    /** The cached value of {@code key}, or null when it must be read from Redis. */
    Hit get(String key) {
        Object o = entries.get(key);
        if (o instanceof Hit h && live && h.generation == generation.get()) {
            hits.increment();
            return h;
        }
        misses.increment();
        return null;
    }

    /**
     * After {@link #get} missed: the value {@code key} held when Redis said it changed, if that was less
     * than {@code staleMillis} ago and the key is being read again ({@link #onChange}), else null. For
     * callers that may answer with a value that was current a moment ago rather than wait for Redis
     * behind the speed layer's writes; never for anything whose change must show on the next read (the
     * rules' version), and never across a loss of tracking (its generation).
     */
    Hit stale(String key) {
        Object o = entries.get(key);
        if (o instanceof Ticket t && t.stale != null && live && t.generation == generation.get()
                && System.nanoTime() - t.staleSince < staleNanos) {
            staleHits.increment();
            return t.stale;
        }
        return null;
    }

    /** Call before reading {@code key} from Redis; pass the ticket to {@link #read} with what was read. */
    Ticket reading(String key) {
        if (!live || !tracked(key)) {
            return null;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        Ticket t = new Ticket(key, generation.get(), null, 0);
        entries.put(key, t);
        return t;
    }

    /** Only keys Redis reports changes of may be kept. */
    private boolean tracked(String key) {
        for (String p : prefixes) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Keeps what a read returned, unless the key changed (or tracking stopped) since {@link #reading}. */
    void read(Ticket t, String value) {
        if (t != null) {
            entries.replace(t.key, t, new Hit(value, t.generation));
        }
    }

    /**
     * Called on the invalidations thread for each key that was cached (a {@link Hit}) when Redis said it
     * changed, with the ticket that replaced it (holding the old value for {@link #stale}); it must not
     * block: it queues a read of {@code ticket.key} and hands what it read to {@link #read}. Until then,
     * {@link #get} misses.
     */
    void onChange(java.util.function.Consumer<Ticket> listener) {
        this.onChange = listener;
    }

    /** Drops a key at once (after this process changed it, so that its next read sees the change). */
    void invalidate(String key) {
        entries.remove(key);
    }

    /** Whether both tracking connections are up, so that hits are served. */
    boolean live() {
        return live;
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    long invalidations() {
        return invalidations.sum();
    }

    long staleHits() {
        return staleHits.sum();
    }

    /** Waits until tracking is up (tests); false on timeout. */
    boolean awaitLive(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        synchronized (started) {
            while (!live && System.currentTimeMillis() < end) {
                started.wait(Math.max(1, end - System.currentTimeMillis()));
            }
        }
        return live;
    }

    /** The ids Redis gave the connections that receive invalidations and that track (tests kill them). */
    long listenerId() {
        return listenerId;
    }

    long trackerId() {
        return trackerId;
    }

    private volatile long listenerId = -1;
    private volatile long trackerId = -1;

    private void run() {
        while (open) {
            Connection l = null;
            Connection t = null;
            try {
                l = new Connection(node, DefaultJedisClientConfig.builder().clientName("nowcast-serving-invalidations").build());
                long id = (Long) l.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("ID"));
                l.setTimeoutInfinite();
                l.sendCommand(Protocol.Command.SUBSCRIBE, CHANNEL);
                l.getObjectMultiBulkReply(); // sends it, and reads the confirmation
                t = new Connection(node, DefaultJedisClientConfig.builder().clientName("nowcast-serving-tracking").build());
                CommandArguments tracking = new CommandArguments(Protocol.Command.CLIENT).add("TRACKING").add("ON")
                        .add("REDIRECT").add(id).add("BCAST");
                prefixes.forEach(p -> tracking.add("PREFIX").add(p));
                t.executeCommand(tracking);
                trackerId = (Long) t.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("ID"));
                listener = l;
                tracker = t;
                listenerId = id;
                startGeneration(true);
                listen(l);
            } catch (RuntimeException e) {
                if (open) {
                    LOG.warn("Redis invalidations stopped ({}); serving from Redis until they are back", e.toString());
                }
            } finally {
                startGeneration(false);
                close(l);
                close(t);
            }
            sleep(CHECK_MILLIS);
        }
    }

    private void startGeneration(boolean up) {
        if (!up && !live) {
            return;
        }
        live = false;
        generation.incrementAndGet();
        entries.clear();
        if (up) {
            live = true;
            synchronized (started) {
                started.notifyAll();
            }
        }
    }

    /** Reads invalidation messages until the connection fails; a second thread checks the tracking connection. */
    private void listen(Connection l) {
        Thread checker = new Thread(() -> check(l), "nowcast-redis-tracking-check");
        checker.setDaemon(true);
        checker.start();
        try {
            while (open) {
                Object o = l.getUnflushedObject();
                if (!(o instanceof List<?> msg) || msg.size() < 3 || !"message".equals(text(msg.get(0)))) {
                    continue;
                }
                Object payload = msg.get(2);
                if (payload instanceof List<?> keys) {
                    for (Object k : keys) {
                        invalidated(text(k));
                    }
                } else {
                    entries.clear(); // a null payload: the database was flushed
                    invalidations.increment();
                }
            }
        } finally {
            checker.interrupt();
        }
    }

    /**
     * Drops a key Redis said changed. A cached value (or the old value of a re-read still under way, with
     * the time of the first change) goes into a ticket for a re-read, which {@link #onChange} starts.
     */
    private void invalidated(String key) {
        invalidations.increment();
        Object was = entries.get(key);
        Hit old = was instanceof Hit h ? h : was instanceof Ticket t ? t.stale : null;
        if (old == null || !live) {
            entries.remove(key);
            return;
        }
        long since = was instanceof Ticket t ? t.staleSince : System.nanoTime();
        Ticket again = new Ticket(key, generation.get(), old, since);
        // A request's own ticket put since the get above is replaced: that read is then just not kept.
        entries.put(key, again);
        onChange.accept(again);
    }

    /**
     * Every second, asks Redis whether the tracking connection still redirects to a live listener; if it
     * does not (or cannot be asked), closes the listener, which ends {@link #listen} and starts over.
     */
    private void check(Connection l) {
        while (open && !Thread.currentThread().isInterrupted()) {
            sleep(CHECK_MILLIS);
            Connection t = tracker;
            boolean ok;
            try {
                Object info = t.executeCommand(new CommandArguments(Protocol.Command.CLIENT).add("TRACKINGINFO"));
                ok = info instanceof List<?> fields && fields.size() >= 2 && !String.valueOf(flags(fields)).contains("broken_redirect");
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok && open) {
                LOG.warn("Redis client tracking is broken; restarting it");
                startGeneration(false);
                try {
                    l.forceDisconnect();
                } catch (java.io.IOException | RuntimeException e) {
                    // the listener fails on its own
                }
                return;
            }
        }
    }

    private static List<String> flags(List<?> trackingInfo) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 1 < trackingInfo.size(); i += 2) {
            if ("flags".equals(text(trackingInfo.get(i))) && trackingInfo.get(i + 1) instanceof List<?> f) {
                f.forEach(x -> out.add(text(x)));
            }
        }
        return out;
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already broken
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        open = false;
        startGeneration(false);
        Connection l = listener;
        if (l != null) {
            try {
                l.forceDisconnect();
            } catch (java.io.IOException | RuntimeException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
