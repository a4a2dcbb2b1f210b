package io.nowcast.recommend;

/**
 * A bought-together neighbour of a product, from the batch layer's co-purchase step: its log-likelihood
 * ratio (the ranking score), the baskets holding both (support) and the lift over chance.
 */
public record Neighbour(String productId, double llr, long support, double lift) {}
