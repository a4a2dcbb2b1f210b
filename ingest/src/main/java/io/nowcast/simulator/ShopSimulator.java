package io.nowcast.simulator;

import io.nowcast.catalog.Product;
import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import io.nowcast.events.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Generates a plausible stream of shop activity from a {@link Shop}: interleaved sessions of views,
 * clicks, searches, cart additions and purchases in baskets with an {@code order_id}, plus bad
 * records at a chosen rate. The sequence depends only on the seed; timestamps come from the clock.
 */
public final class ShopSimulator {
    /** One record to write: its Kafka key and value, and what it is (an event type or a bad kind). */
    public record Record(String key, String value, EventType type, BadKind bad) {}

    private static final Duration FUTURE_SKEW = Duration.ofDays(36_524);
    private static final double SEARCH = 0.07;
    private static final double AFFINITY = 0.8;
    private static final double CLICK = 0.2;
    private static final double CART = 0.09;
    private static final double PARTNER = 0.75;
    private static final double CHECKOUT = 0.6;
    private static final double SESSION_END = 1.0 / 12;

    private final Shop shop;
    private final SplittableRandom random;
    private final LongSupplier clockMillis;
    private final double badRate;
    private final Session[] sessions;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private long sequence;
    private long orders;
    private long sessionsStarted;

    private static final class Session {
        long userId;
        String id;
        final List<Integer> cart = new ArrayList<>();
    }

    /**
     * @param clockMillis the event time of the next record, in epoch ms: the wall clock for live
     *     runs, or a simulated clock for backfills
     * @param badRate the fraction of records, 0 to 1, that are bad on purpose
     */
    public ShopSimulator(Shop shop, LongSupplier clockMillis, double badRate) {
        if (badRate < 0 || badRate > 1) {
            throw new IllegalArgumentException("bad rate must be between 0 and 1, got " + badRate);
        }
        this.shop = shop;
        this.random = new SplittableRandom(shop.spec().seed() * 31 + 7);
        this.clockMillis = clockMillis;
        this.badRate = badRate;
        this.sessions = new Session[shop.spec().activeSessions()];
    }

    /** The next record. */
    public Record next() {
        if (badRate > 0 && random.nextDouble() < badRate) {
            return bad(BadKind.values()[random.nextInt(BadKind.values().length)]);
        }
        Event e = nextEvent();
        return new Record(e.kafkaKey(), EventJson.write(e), e.type(), null);
    }

    private Event nextEvent() {
        while (pending.isEmpty()) {
            step();
        }
        return pending.poll();
    }

    /** Advances one randomly chosen session by one step, queueing the events it makes. */
    private void step() {
        int slot = random.nextInt(sessions.length);
        Session s = sessions[slot];
        if (s == null) {
            s = startSession();
            sessions[slot] = s;
        }
        Instant now = Instant.ofEpochMilli(clockMillis.getAsLong());
        int[] affinity = shop.affinities(s.userId);
        if (random.nextDouble() < SEARCH) {
            String category = shop.categories().get(affinity[random.nextInt(affinity.length)]);
            queue(EventType.SEARCH, s, null, category.replace('/', ' '), now, null, null, null);
        } else {
            int product = random.nextDouble() < AFFINITY
                    ? shop.productIn(affinity[random.nextInt(affinity.length)], random)
                    : shop.popularProduct(random);
            if (random.nextDouble() < CLICK) {
                queue(EventType.CLICK, s, product, null, now, null, null, "rec-" + s.userId);
            }
            queue(EventType.PAGE_VIEW, s, product, null, now, null, null, null);
            if (random.nextDouble() < CART && shop.product(product).inStock()) {
                addToCart(s, product, now);
                int partner = shop.partnerOf(product);
                if (partner >= 0 && random.nextDouble() < PARTNER && !s.cart.contains(partner)) {
                    queue(EventType.PAGE_VIEW, s, partner, null, now, null, null, null);
                    addToCart(s, partner, now);
                }
            }
        }
        if (random.nextDouble() < SESSION_END) {
            endSession(s, now);
            sessions[slot] = null;
        }
    }

    private Session startSession() {
        Session s = new Session();
        s.userId = 1 + random.nextInt(shop.spec().users());
        s.id = "s" + shop.spec().seed() + "-" + (++sessionsStarted);
        return s;
    }

    private void addToCart(Session s, int product, Instant now) {
        s.cart.add(product);
        queue(EventType.ADD_TO_CART, s, product, null, now, null, 1, null);
    }

    private void endSession(Session s, Instant now) {
        if (!s.cart.isEmpty() && random.nextDouble() < CHECKOUT) {
            String order = "o" + shop.spec().seed() + "-" + (++orders);
            for (int product : s.cart) {
                queue(EventType.PURCHASE, s, product, null, now, order, 1 + (random.nextDouble() < 0.15 ? 1 : 0), null);
            }
        }
    }

    private void queue(EventType type, Session s, Integer product, String query, Instant at,
                       String orderId, Integer quantity, String recId) {
        Product p = product == null ? null : shop.product(product);
        Double price = type == EventType.PURCHASE || type == EventType.ADD_TO_CART ? p.price() : null;
        pending.add(new Event(type, s.userId, p == null ? null : p.productId(), query, at,
                "e" + shop.spec().seed() + "-" + (++sequence), orderId, s.id, quantity, price, recId));
    }

    private Record bad(BadKind kind) {
        Event e = nextEvent();
        String json = EventJson.write(e);
        String user = "\"user_id\":" + e.userId();
        String value = switch (kind) {
            // Cut the closing brace: unparseable, yet it keeps its event id for tracing.
            case MALFORMED_JSON -> json.substring(0, json.length() - 1);
            case MISSING_FIELD -> json.replace("," + user, "");
            case WRONG_TYPE -> json.replace(user, "\"user_id\":\"u" + e.userId() + "\"");
            case UNKNOWN_EVENT_TYPE -> json.replace("\"event_type\":\"" + e.type().code() + "\"", "\"event_type\":\"wishlist_add\"");
            // A century ahead: in the future of the wall clock even when a backfill's simulated clock is years behind.
            case FUTURE_TIMESTAMP -> json.replace("\"timestamp\":\"" + e.timestamp() + "\"",
                    "\"timestamp\":\"" + e.timestamp().plus(FUTURE_SKEW) + "\"");
        };
        return new Record(e.kafkaKey(), value, null, kind);
    }
}
