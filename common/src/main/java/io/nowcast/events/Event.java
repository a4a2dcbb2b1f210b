package io.nowcast.events;

import java.time.Instant;

/**
 * One valid user activity event (DESIGN.md, "Event JSON"). Optional fields are null when absent.
 * Built by {@link EventJson#parse}, which is the only way untrusted bytes become an Event.
 */
public record Event(
        EventType type,
        long userId,
        String productId,
        String query,
        Instant timestamp,
        String eventId,
        String orderId,
        String sessionId,
        Integer quantity,
        Double price,
        String recId) {

    /** The Kafka key of an activity event: the user id, so one user's events stay in order. */
    public String kafkaKey() {
        return Long.toString(userId);
    }
}
