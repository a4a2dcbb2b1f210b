package io.nowcast.copurchase;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;

/**
 * The catalog's product ids, sorted, so that a product is an int inside the job (smaller shuffles,
 * and index order is id order, which is the tie-break). Unknown products map to -1.
 */
public final class ProductIndex implements Serializable {
    private final String[] ids;

    public ProductIndex(Collection<String> productIds) {
        ids = productIds.stream().distinct().sorted().toArray(String[]::new);
    }

    public int indexOf(String productId) {
        int i = productId == null ? -1 : Arrays.binarySearch(ids, productId);
        return i < 0 ? -1 : i;
    }

    public String id(int index) {
        return ids[index];
    }

    public int size() {
        return ids.length;
    }
}
