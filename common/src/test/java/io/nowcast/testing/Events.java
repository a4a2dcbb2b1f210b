package io.nowcast.testing;

import io.nowcast.events.Event;
import io.nowcast.events.EventType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

/** Fixture builders for events, shared by every module's tests: {@code Events.view(123, "p1", at("10:00"))}. */
public final class Events {
    /** The day {@link #at} puts its times on. */
    public static final LocalDate DAY = LocalDate.of(2024, 7, 27);

    private Events() {}

    /** {@code HH:mm} or {@code HH:mm:ss} on {@link #DAY}, UTC. */
    public static Instant at(String time) {
        return DAY.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
    }

    public static Event view(long user, String product, Instant at) {
        return of(EventType.PAGE_VIEW, user, product, at);
    }

    public static Event click(long user, String product, Instant at) {
        return of(EventType.CLICK, user, product, at);
    }

    public static Event cart(long user, String product, Instant at) {
        return of(EventType.ADD_TO_CART, user, product, at);
    }

    public static Event purchase(long user, String product, String orderId, Instant at) {
        return new Event(EventType.PURCHASE, user, product, null, at, null, orderId, null, 1, null, null);
    }

    public static Event search(long user, String query, Instant at) {
        return new Event(EventType.SEARCH, user, null, query, at, null, null, null, null, null, null);
    }

    public static Event of(EventType type, long user, String product, Instant at) {
        return new Event(type, user, product, null, at, null, null, null, null, null, null);
    }
}
