package io.nowcast.simulator;

import io.nowcast.events.Event;
import io.nowcast.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a shop's purchase history directly, without the browsing around it: orders of one to
 * six products drawn from the users' favourite categories and by popularity, where a product with a
 * planted partner brings its partner along as often as in the live simulator. It is the input of the
 * batch layer's quality evaluation and benchmark; the shop's planted pairs are the ground truth.
 * A share of orders carries no {@code order_id}, so baskets by user and day get exercised too.
 */
public final class PurchaseHistory {
    private static final double AFFINITY = 0.8;
    /** As in the live simulator: a planted partner joins the basket three times in four. */
    public static final double PARTNER = 0.75;
    /** After each product, the chance of one more: baskets of 1.8 products on average. */
    public static final double MORE = 0.45;
    private static final int MAX_ITEMS = 6;

    private final Shop shop;
    private final SplittableRandom random;
    private final long fromMs;
    private final long spanMs;
    private final double withoutOrderId;
    private final double partnerRate;
    private final double more;
    private long orders;
    private long sequence;

    public PurchaseHistory(Shop shop, Instant from, Instant to, double withoutOrderId) {
        this(shop, from, to, withoutOrderId, PARTNER, MORE);
    }

    /** With how often a partner joins and how baskets grow, for harder evaluations than the live shop's. */
    public PurchaseHistory(Shop shop, Instant from, Instant to, double withoutOrderId, double partnerRate, double more) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("the history must end after it starts: " + from + " .. " + to);
        }
        this.shop = shop;
        this.random = new SplittableRandom(shop.spec().seed() * 131 + 17);
        this.fromMs = from.toEpochMilli();
        this.spanMs = to.toEpochMilli() - fromMs;
        this.withoutOrderId = withoutOrderId;
        this.partnerRate = partnerRate;
        this.more = more;
    }

    /** The purchases of the next order. */
    public List<Event> nextOrder() {
        long order = ++orders;
        long userId = 1 + random.nextInt(shop.spec().users());
        int[] affinity = shop.affinities(userId);
        List<Integer> basket = new ArrayList<>();
        do {
            int product = random.nextDouble() < AFFINITY
                    ? shop.productIn(affinity[random.nextInt(affinity.length)], random)
                    : shop.popularProduct(random);
            if (!basket.contains(product)) {
                basket.add(product);
                int partner = shop.partnerOf(product);
                if (partner >= 0 && random.nextDouble() < partnerRate && !basket.contains(partner)) {
                    basket.add(partner);
                }
            }
        } while (basket.size() < MAX_ITEMS && random.nextDouble() < more);
        Instant at = Instant.ofEpochMilli(fromMs + (long) (random.nextDouble() * spanMs));
        String orderId = random.nextDouble() < withoutOrderId ? null : "h" + shop.spec().seed() + "-" + order;
        List<Event> out = new ArrayList<>(basket.size());
        for (int p : basket) {
            var product = shop.product(p);
            out.add(new Event(EventType.PURCHASE, userId, product.productId(), null, at, "p" + shop.spec().seed() + "-" + (++sequence),
                    orderId, null, 1, product.price(), null));
        }
        return out;
    }
}
