package io.nowcast.simulator;

/**
 * The shape of a simulated shop. The same spec and seed always give the same catalog, users,
 * planted pairs and event sequence.
 */
public record ShopSpec(long seed, int products, int users, int plantedPairs, int activeSessions) {
    public static final long DEFAULT_SEED = 42;
    public static final int DEFAULT_PRODUCTS = 1_000;
    public static final int DEFAULT_USERS = 10_000;

    public ShopSpec {
        if (products < 4) {
            throw new IllegalArgumentException("products must be at least 4, got " + products);
        }
        if (users < 1) {
            throw new IllegalArgumentException("users must be at least 1, got " + users);
        }
        if (plantedPairs < 0 || plantedPairs * 2 > products) {
            throw new IllegalArgumentException("planted pairs must be between 0 and products/2, got " + plantedPairs);
        }
        if (activeSessions < 1) {
            throw new IllegalArgumentException("active sessions must be at least 1, got " + activeSessions);
        }
    }

    /** A spec with the usual proportions: a planted pair per 25 products and up to 1,000 concurrent sessions. */
    public static ShopSpec of(long seed, int products, int users) {
        return new ShopSpec(seed, products, users, Math.max(1, products / 25), Math.min(1_000, users));
    }

    public static ShopSpec defaults() {
        return of(DEFAULT_SEED, DEFAULT_PRODUCTS, DEFAULT_USERS);
    }
}
