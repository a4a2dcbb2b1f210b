package io.nowcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.events.Event;
import io.nowcast.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PurchaseHistoryTest {
    private static final Instant FROM = Instant.parse("2024-05-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2024-07-28T00:00:00Z");

    private static List<Event> purchases(Shop shop, int orders, double withoutOrderId) {
        PurchaseHistory h = new PurchaseHistory(shop, FROM, TO, withoutOrderId);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            out.addAll(h.nextOrder());
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameHistory() {
        Shop shop = Shop.generate(ShopSpec.defaults());
        assertEquals(purchases(shop, 500, 0.1), purchases(shop, 500, 0.1));
    }

    @Test
    void anOrderIsOneUsersDistinctPurchasesAtOneTimeWithinTheWindow() {
        Shop shop = Shop.generate(ShopSpec.defaults());
        List<Event> all = purchases(shop, 2_000, 0.0);
        Map<String, List<Event>> byOrder = all.stream().collect(Collectors.groupingBy(Event::orderId));
        assertEquals(2_000, byOrder.size());
        for (List<Event> order : byOrder.values()) {
            assertEquals(1, order.stream().map(Event::userId).distinct().count());
            assertEquals(1, order.stream().map(Event::timestamp).distinct().count());
            assertEquals(order.size(), order.stream().map(Event::productId).distinct().count(), "no product twice in a basket");
            assertTrue(order.size() <= 7);
        }
        assertTrue(all.stream().allMatch(e -> e.type() == EventType.PURCHASE && !e.timestamp().isBefore(FROM) && e.timestamp().isBefore(TO)));
        assertEquals(all.size(), all.stream().map(Event::eventId).distinct().count(), "event ids are unique");
    }

    @Test
    void plantedPartnersShareBasketsAndSomeOrdersHaveNoOrderId() {
        Shop shop = Shop.generate(ShopSpec.defaults());
        List<Event> all = purchases(shop, 20_000, 0.1);
        long withoutId = all.stream().filter(e -> e.orderId() == null).count();
        assertTrue(withoutId > all.size() * 0.05 && withoutId < all.size() * 0.15, withoutId + " of " + all.size());
        Set<String> together = new HashSet<>();
        all.stream().filter(e -> e.orderId() != null).collect(Collectors.groupingBy(Event::orderId)).values().forEach(order -> {
            Set<String> ids = order.stream().map(Event::productId).collect(Collectors.toSet());
            shop.plantedPairs().forEach(p -> {
                if (ids.contains(p[0]) && ids.contains(p[1])) {
                    together.add(p[0] + "+" + p[1]);
                }
            });
        });
        assertTrue(together.size() > shop.plantedPairs().size() * 0.9, together.size() + " of " + shop.plantedPairs().size() + " pairs seen together");
    }
}
