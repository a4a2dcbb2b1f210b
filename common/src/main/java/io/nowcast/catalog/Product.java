package io.nowcast.catalog;

/**
 * One catalog entry (DESIGN.md, "Product JSON"). Written to {@code product_catalog} by CDC or a
 * catalog file, read by the speed layer into Redis.
 */
public record Product(
        String productId,
        String name,
        String category,
        double price,
        String description,
        String imageUrl,
        boolean inStock) {

    /** The top level of a two-level category such as {@code shoes/running}. */
    public String topCategory() {
        int slash = category.indexOf('/');
        return slash < 0 ? category : category.substring(0, slash);
    }
}
