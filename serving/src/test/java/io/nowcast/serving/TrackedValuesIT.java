package io.nowcast.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.config.Endpoints;
import io.nowcast.redis.RedisKeys;
import io.nowcast.testing.Await;
import io.nowcast.testing.TestServers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/** The tracked cache against a real Redis: invalidations, a change racing a read, and lost connections. */
class TrackedValuesIT {
    private final Endpoints e = TestServers.redis();
    private final String prefix = TestServers.uniquePrefix("tracked");
    private final RedisKeys keys = new RedisKeys(prefix);
    private static final long STALE_MILLIS = 500;
    private RedisClient redis;
    private TrackedValues cache;

    @BeforeEach
    void start() throws Exception {
        redis = RedisClient.create(e.redisHost(), e.redisPort());
        cache = new TrackedValues(e.redisHost(), e.redisPort(), TrackedValues.servingPrefixes(keys), 1_000, STALE_MILLIS);
        assertTrue(cache.awaitLive(10_000), "client tracking did not start");
    }

    @AfterEach
    void stop() {
        cache.close();
        TestServers.deleteKeys(redis, prefix);
        redis.close();
    }

    /** Reads like the API does: from the cache, or from Redis with a ticket. */
    private String read(String key) {
        TrackedValues.Hit hit = cache.get(key);
        if (hit != null) {
            return hit.value();
        }
        TrackedValues.Ticket t = cache.reading(key);
        String v = redis.get(key);
        cache.read(t, v);
        return v;
    }

    /** Sets a key as another client would, and waits for Redis's report of it, so that it cannot land after a later read. */
    private void write(String key, String value) throws Exception {
        long before = cache.invalidations();
        redis.set(key, value);
        Await.until(() -> cache.invalidations() > before, 5, "the invalidation of " + key);
    }

    @Test
    void aValueIsServedUntilAnyWriterChangesItThenReadAgain() throws Exception {
        String key = keys.recommendations(42);
        write(key, "v1");
        assertEquals("v1", read(key));
        long misses = cache.misses();
        assertEquals("v1", cache.get(key).value(), "cached after one read");
        assertEquals(misses, cache.misses());

        redis.set(key, "v2"); // another client
        Await.until(() -> cache.get(key) == null, 5, "invalidation of a SET");
        assertEquals("v2", read(key));

        redis.eval("redis.call('SETEX', KEYS[1], 100, 'v3')", List.of(key), List.of());
        Await.until(() -> cache.get(key) == null, 5, "invalidation of a write inside a script");
        assertEquals("v3", read(key));

        redis.del(key);
        Await.until(() -> cache.get(key) == null, 5, "invalidation of a DEL");
        assertNull(read(key));
        assertNotNull(cache.get(key), "a missing key is cached as missing");
        assertNull(cache.get(key).value());
        redis.set(key, "v4");
        Await.until(() -> cache.get(key) == null, 5, "invalidation when the key appears");
        assertEquals("v4", read(key));

        String rules = keys.rulesVersion();
        write(rules, "7");
        assertEquals("7", read(rules));
        redis.incr(rules);
        Await.until(() -> cache.get(rules) == null, 5, "invalidation of the rules' version");
        assertEquals("8", read(rules));
        assertTrue(cache.invalidations() >= 6, "invalidations counted: " + cache.invalidations());
    }

    @Test
    void aChangeRacingAReadIsNeverCachedAndUntrackedKeysAreNeverKept() throws Exception {
        String key = keys.recommendations(7);
        redis.set(key, "old");
        TrackedValues.Ticket t = cache.reading(key);
        String seen = redis.get(key); // the read returns "old" ...
        long before = cache.invalidations();
        redis.set(key, "new"); // ... and the key changes before the reader stores it
        Await.until(() -> cache.invalidations() > before, 5, "invalidation");
        cache.read(t, seen);
        assertNull(cache.get(key), "a value invalidated during its read must not be kept");
        assertEquals("new", read(key));

        String other = keys.interest(7); // not under a tracked prefix: Redis would never say it changed
        redis.set(other, "x");
        read(other);
        assertNull(cache.get(other));
    }

    @Test
    void aChangedKeysOldValueIsThereOnlyWhileItIsReadAgainAndOnlyForAWhile() throws Exception {
        List<TrackedValues.Ticket> rereads = new CopyOnWriteArrayList<>();
        cache.onChange(rereads::add); // the re-reads wait until this test hands in what they read
        String key = keys.recommendations(5);
        write(key, "old");
        assertEquals("old", read(key));
        assertNull(cache.stale(key), "a cached key has no stale value");

        redis.set(key, "new");
        Await.until(() -> rereads.size() == 1, 5, "a re-read of the changed key");
        assertEquals(key, rereads.get(0).key);
        assertNull(cache.get(key), "a changed key is not a hit");
        assertEquals("old", cache.stale(key).value(), "its old value, while it is read again");

        redis.set(key, "newer"); // a second change before the first re-read lands
        Await.until(() -> rereads.size() == 2, 5, "a second re-read");
        assertEquals("old", cache.stale(key).value(), "still the value from before the first change");
        cache.read(rereads.get(0), "new");
        assertNull(cache.get(key), "the first re-read, overtaken by the second change, is not kept");
        cache.read(rereads.get(1), "newer");
        assertEquals("newer", cache.get(key).value());
        assertNull(cache.stale(key), "nothing stale once the re-read landed");

        redis.set(key, "newest"); // its re-read never lands
        Await.until(() -> rereads.size() == 3, 5, "a third re-read");
        assertEquals("newer", cache.stale(key).value());
        long before = cache.staleHits();
        Thread.sleep(STALE_MILLIS + 100);
        assertNull(cache.stale(key), "no older than staleMillis");
        assertEquals(before, cache.staleHits());
        assertEquals("newest", read(key), "a request then reads Redis itself");
        assertTrue(cache.staleHits() >= 3, "stale hits counted: " + cache.staleHits());

        String other = keys.recommendations(6); // a key never cached has nothing stale either
        redis.set(other, "x");
        Await.until(() -> cache.invalidations() > 0 && cache.get(other) == null, 5, "invalidation");
        assertNull(cache.stale(other));
    }

    @Test
    void afterALostConnectionNothingStaleIsServedAndCachingResumes() throws Exception {
        String key = keys.recommendations(9);
        write(key, "before");
        assertEquals("before", read(key));

        // The listener dies: until tracking is back nothing is served from the cache, and the cache starts empty.
        long listener = cache.listenerId();
        redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(listener));
        Await.until(() -> cache.live() && cache.listenerId() != listener, 10, "tracking back after the listener was killed");
        assertNull(cache.get(key), "the cache starts empty after a reconnection");
        assertNull(cache.stale(key), "and holds no value from before it");
        write(key, "after listener");
        assertEquals("after listener", read(key));
        assertEquals("after listener", cache.get(key).value());

        // The tracking connection dies silently: Redis stops reporting changes; the health check notices.
        long tracker = cache.trackerId();
        redis.sendCommand(Protocol.Command.CLIENT, "KILL", "ID", Long.toString(tracker));
        redis.set(key, "changed while untracked");
        Await.until(() -> {
            TrackedValues.Hit h = cache.get(key);
            return h == null || h.value().equals("changed while untracked");
        }, 10, "the stale value dropped once the broken tracking is noticed");
        Await.until(() -> cache.live() && cache.trackerId() != tracker, 10, "tracking back after the tracker was killed");
        assertEquals("changed while untracked", read(key));
        redis.set(key, "tracked again");
        Await.until(() -> cache.get(key) == null, 5, "invalidations arrive again");
        assertEquals("tracked again", read(key));
    }
}
