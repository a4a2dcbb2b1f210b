package io.nowcast.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nowcast.catalog.Product;
import io.nowcast.events.Event;
import io.nowcast.events.EventJson;
import io.nowcast.events.EventType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class ShopSimulatorTest {
    private static final long T0 = 1_700_000_000_000L;

    private static List<ShopSimulator.Record> run(ShopSpec spec, int n, double badRate) {
        long[] tick = {0};
        LongSupplier clock = () -> T0 + tick[0]++;
        ShopSimulator sim = new ShopSimulator(Shop.generate(spec), clock, badRate);
        List<ShopSimulator.Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sim.next());
        }
        return out;
    }

    private static List<Event> events(List<ShopSimulator.Record> records) {
        List<Event> out = new ArrayList<>();
        for (ShopSimulator.Record r : records) {
            EventJson.Parsed p = EventJson.parse(r.value());
            assertTrue(p.ok(), p.explain() + " in " + r.value());
            out.add(p.event());
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameStreamAndAnotherSeedAnother() {
        ShopSpec spec = ShopSpec.of(7, 200, 500);
        List<String> a = run(spec, 2_000, 0.05).stream().map(ShopSimulator.Record::value).toList();
        List<String> b = run(spec, 2_000, 0.05).stream().map(ShopSimulator.Record::value).toList();
        List<String> c = run(ShopSpec.of(8, 200, 500), 2_000, 0.05).stream().map(ShopSimulator.Record::value).toList();
        assertTrue(a.equals(b), "the same seed gave a different stream");
        assertFalse(a.equals(c), "another seed gave the same stream");
    }

    @Test
    void everyEventIsValidAndKeyedByItsUser() {
        List<ShopSimulator.Record> records = run(ShopSpec.defaults(), 20_000, 0);
        List<Event> events = events(records);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(Long.toString(events.get(i).userId()), records.get(i).key());
            assertNotNull(events.get(i).eventId());
        }
        assertEquals(events.size(), new HashSet<>(events.stream().map(Event::eventId).toList()).size(), "event ids are unique");
    }

    @Test
    void mixesEventTypesInPlausibleProportions() {
        Map<EventType, Integer> counts = new EnumMap<>(EventType.class);
        events(run(ShopSpec.defaults(), 50_000, 0)).forEach(e -> counts.merge(e.type(), 1, Integer::sum));
        double n = 50_000;
        assertTrue(counts.get(EventType.PAGE_VIEW) / n > 0.55, counts.toString());
        assertTrue(between(counts.get(EventType.CLICK) / n, 0.08, 0.25), counts.toString());
        assertTrue(between(counts.get(EventType.SEARCH) / n, 0.03, 0.12), counts.toString());
        assertTrue(between(counts.get(EventType.ADD_TO_CART) / n, 0.03, 0.15), counts.toString());
        assertTrue(between(counts.get(EventType.PURCHASE) / n, 0.01, 0.10), counts.toString());
    }

    @Test
    void purchasesComeInBasketsWithAnOrderIdAndOneUser() {
        Map<String, Set<Long>> usersPerOrder = new HashMap<>();
        Map<String, Integer> itemsPerOrder = new HashMap<>();
        for (Event e : events(run(ShopSpec.defaults(), 50_000, 0))) {
            if (e.type() == EventType.PURCHASE) {
                assertNotNull(e.orderId());
                assertNotNull(e.price());
                usersPerOrder.computeIfAbsent(e.orderId(), k -> new HashSet<>()).add(e.userId());
                itemsPerOrder.merge(e.orderId(), 1, Integer::sum);
            } else {
                assertEquals(null, e.orderId());
            }
        }
        assertTrue(usersPerOrder.size() > 100, "orders: " + usersPerOrder.size());
        usersPerOrder.values().forEach(users -> assertEquals(1, users.size()));
        assertTrue(itemsPerOrder.values().stream().anyMatch(n -> n > 1), "some baskets hold several items");
    }

    @Test
    void plantedPairsAreBoughtTogetherFarMoreOftenThanChance() {
        Shop shop = Shop.generate(ShopSpec.defaults());
        Map<String, Set<String>> baskets = new HashMap<>();
        for (Event e : events(run(ShopSpec.defaults(), 200_000, 0))) {
            if (e.type() == EventType.PURCHASE) {
                baskets.computeIfAbsent(e.orderId(), k -> new HashSet<>()).add(e.productId());
            }
        }
        Map<String, Integer> bought = new HashMap<>();
        baskets.values().forEach(b -> b.forEach(p -> bought.merge(p, 1, Integer::sum)));
        double n = baskets.size();
        int checked = 0;
        double liftSum = 0;
        for (String[] pair : shop.plantedPairs()) {
            int together = (int) baskets.values().stream().filter(b -> b.contains(pair[0]) && b.contains(pair[1])).count();
            int a = bought.getOrDefault(pair[0], 0);
            int b = bought.getOrDefault(pair[1], 0);
            if (a >= 5 && b >= 5) {
                liftSum += together * n / ((double) a * b);
                checked++;
            }
        }
        assertTrue(checked >= 10, "planted pairs bought often enough to measure: " + checked);
        assertTrue(liftSum / checked > 10, "mean lift of planted pairs: " + liftSum / checked);
    }

    @Test
    void popularityIsSkewedLikeZipf() {
        Map<String, Integer> views = new HashMap<>();
        events(run(ShopSpec.defaults(), 50_000, 0)).stream()
                .filter(e -> e.type() == EventType.PAGE_VIEW)
                .forEach(e -> views.merge(e.productId(), 1, Integer::sum));
        List<Integer> sorted = views.values().stream().sorted((x, y) -> y - x).toList();
        int top = sorted.get(0);
        int median = sorted.get(sorted.size() / 2);
        assertTrue(top > 10 * median, "top " + top + " vs median " + median);
    }

    @Test
    void usersKeepToTheirAffinities() {
        Shop shop = Shop.generate(ShopSpec.defaults());
        Map<String, String> categoryOf = new HashMap<>();
        shop.products().forEach(p -> categoryOf.put(p.productId(), p.category()));
        int inAffinity = 0;
        int views = 0;
        for (Event e : events(run(ShopSpec.defaults(), 30_000, 0))) {
            if (e.type() != EventType.PAGE_VIEW) {
                continue;
            }
            views++;
            String category = categoryOf.get(e.productId());
            for (int c : shop.affinities(e.userId())) {
                if (shop.categories().get(c).equals(category)) {
                    inAffinity++;
                    break;
                }
            }
        }
        assertTrue(inAffinity > 0.6 * views, inAffinity + " of " + views + " views in the user's categories");
    }

    @Test
    void catalogIsATwoLevelTreeWithPricesAndStock() {
        Shop shop = Shop.generate(ShopSpec.of(1, 500, 10));
        Set<String> tops = new HashSet<>();
        int outOfStock = 0;
        for (Product p : shop.products()) {
            assertEquals(2, p.category().split("/").length, p.category());
            assertTrue(p.price() > 0, p.toString());
            tops.add(p.topCategory());
            outOfStock += p.inStock() ? 0 : 1;
        }
        assertEquals(Shop.TREE.size(), tops.size());
        assertTrue(outOfStock > 0 && outOfStock < 100, "out of stock: " + outOfStock);
        assertEquals(500 / 25, shop.plantedPairs().size());
    }

    @Test
    void badRecordsComeAtTheRequestedRateAndFailAsTheirKindSays() {
        List<ShopSimulator.Record> records = run(ShopSpec.defaults(), 20_000, 0.1);
        Map<BadKind, Integer> kinds = new EnumMap<>(BadKind.class);
        for (ShopSimulator.Record r : records) {
            if (r.bad() == null) {
                assertTrue(EventJson.parse(r.value()).ok(), r.value());
                continue;
            }
            kinds.merge(r.bad(), 1, Integer::sum);
            EventJson.Parsed p = EventJson.parse(r.value());
            if (r.bad() == BadKind.FUTURE_TIMESTAMP) {
                assertTrue(p.ok(), "a future event is well-formed; the speed layer rejects it by the clock");
                assertTrue(p.event().timestamp().toEpochMilli() > T0 + 300L * 24 * 3600 * 1000);
            } else {
                assertFalse(p.ok(), r.value());
                assertEquals(r.bad().expectedReason(), p.reason(), r.value());
            }
        }
        int bad = kinds.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(between(bad / 20_000.0, 0.08, 0.12), "bad: " + bad);
        assertEquals(BadKind.values().length, kinds.size(), "every kind appears: " + kinds);
    }

    private static boolean between(double x, double lo, double hi) {
        return x >= lo && x <= hi;
    }
}
