package io.nowcast.activity;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which per-user keys one {@link ActivityApplier} gave a fresh TTL lately, so that a flush sends
 * {@code EXPIRE} for a key at most once every {@link #EVERY} instead of in every flush that touches it.
 * A user's TTL (25 h by default) is wall-clock garbage collection for users who stop coming, not part of
 * the semantics, which readers apply by event time; refreshed at most every 30 minutes, a key still lives
 * at least 24.5 h after its user's last event. Sent in every flush, {@code EXPIRE} was 159 K of the
 * 686 K commands Redis ran in 10 s at 20 K events/s ({@code INFO commandstats}); {@code bench/redis-apply}
 * went from 33.9 to 29.4 µs of Redis CPU an event with flushes of 500 records, 17.5 to 11.6 with 5,000.
 *
 * <p>A key this applier refreshed lately (its TTL is at least 24.5 h away) can have gone since only by
 * {@code finish_flush.lua}'s sweep, which deletes a user's interest hashes when their last category
 * expires. Such a key is back within the period only if stream time ran 24 h ahead within it (a
 * backfill), and it then has no TTL until the period is over; the same sweep empties and deletes it again.
 * Holds at most {@link #MAX_KEYS} keys, dropping those refreshed longest ago, which are also the ones due
 * soonest; a key it no longer holds is refreshed again. Not thread-safe: its applier is synchronized.
 */
final class TtlRefreshes {
    static final Duration EVERY = Duration.ofMinutes(30);
    static final int MAX_KEYS = 100_000;

    private final long everyMs;
    /** Key → wall-clock time of its last refresh, oldest refresh first. */
    private final LinkedHashMap<String, Long> refreshedAt;

    TtlRefreshes() {
        this(EVERY, MAX_KEYS);
    }

    TtlRefreshes(Duration every, int maxKeys) {
        this.everyMs = every.toMillis();
        this.refreshedAt = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Whether the key needs an {@code EXPIRE} in a flush at wall-clock time {@code nowMs}. */
    boolean due(String key, long nowMs) {
        Long at = refreshedAt.get(key);
        return at == null || nowMs - at >= everyMs;
    }

    /** Notes keys whose {@code EXPIRE} Redis applied (the flush's transaction went through) at {@code nowMs}. */
    void refreshed(Collection<String> keys, long nowMs) {
        for (String key : keys) {
            refreshedAt.remove(key); // re-inserted last, so the order stays by refresh time
            refreshedAt.put(key, nowMs);
        }
    }

    int size() {
        return refreshedAt.size();
    }
}
