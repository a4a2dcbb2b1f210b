package io.nowcast.copurchase;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.size;

import io.nowcast.master.MasterDataset;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Purchase baskets, as DESIGN.md defines them: the purchases sharing an {@code order_id}, or, without
 * one, the same user's purchases on the same UTC day. Products are dictionary indexes
 * ({@link ProductIndex}), so baskets are arrays of ints.
 */
public final class Baskets {
    public static final String BASKET = "basket";
    public static final String ITEM = "item";
    public static final String ITEMS = "items";

    private Baskets() {}

    /** Master-dataset purchases → (basket, user_id, item); the item column must already be there. */
    public static Dataset<Row> lines(Dataset<Row> purchases) {
        return purchases.select(
                coalesce(col(MasterDataset.ORDER_ID),
                        concat_ws("|", col(MasterDataset.USER_ID).cast("string"), col(MasterDataset.EVENT_DATE).cast("string")))
                        .as(BASKET),
                col(MasterDataset.USER_ID), col(ITEM));
    }

    /** Lines → (basket, items): each basket's distinct items. */
    public static Dataset<Row> of(Dataset<Row> lines) {
        return lines.groupBy(BASKET).agg(collect_set(col(ITEM)).as(ITEMS));
    }

    /** Keeps baskets of at most {@code maxItems} distinct products: bulk orders say nothing about taste. */
    public static Dataset<Row> ordinary(Dataset<Row> baskets, int maxItems) {
        return baskets.where(size(col(ITEMS)).leq(maxItems));
    }
}
