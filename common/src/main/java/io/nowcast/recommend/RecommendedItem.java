package io.nowcast.recommend;

/**
 * One recommended product, with where it came from ({@code source}: speed, trending, batch_cf,
 * bought_together, pinned) and why, in words with the number behind it.
 */
public record RecommendedItem(String productId, String source, String reason, double score) {
    public static final String SPEED = "speed";
    public static final String TRENDING = "trending";
}
