package io.nowcast.recommend;

/**
 * One entry of a user's batch collaborative-filtering list: the summed co-purchase scores of the
 * product over what the user bought, and the purchase that contributed most ({@code because}) with the
 * baskets it shares with the product ({@code support}), for the reason shown to people.
 */
public record CfItem(String productId, double score, String because, long support) {}
