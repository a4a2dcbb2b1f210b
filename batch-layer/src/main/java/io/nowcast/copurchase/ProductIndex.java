package io.nowcast.copurchase;

import java.io.Serializable;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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

    /** Column of {@link #asDataset} holding the product id. */
    public static final String PRODUCT = "catalog_product_id";

    /** The index as a small table (catalog_product_id, item) for a broadcast join. */
    public Dataset<Row> asDataset(SparkSession spark) {
        List<Row> rows = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            rows.add(RowFactory.create(ids[i], i));
        }
        StructType schema = new StructType().add(PRODUCT, DataTypes.StringType, false).add(Baskets.ITEM, DataTypes.IntegerType, false);
        return spark.createDataFrame(rows, schema);
    }
}
