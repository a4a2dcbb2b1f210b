package io.nowcast.copurchase;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.nowcast.master.MasterDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Purchase baskets, as DESIGN.md defines them: the purchases sharing an {@code order_id}, or, without
 * one, the same user's purchases on the same UTC day. Products are dictionary indexes
 * ({@link ProductIndex}). An order belongs to one user, so baskets are formed per user: one shuffle
 * gives both the baskets (for co-purchase) and what each user bought (for CF).
 */
public final class Baskets {
    public static final String BASKET = "basket";
    public static final String ITEM = "item";
    public static final String BASKETS = "baskets";
    public static final String BULK = "bulk";
    public static final String PURCHASES = "purchases";
    public static final String UNKNOWN = "unknown";

    /**
     * Per user: their baskets as arrays of distinct known items, how many bulk baskets were left out, and
     * their purchase lines and the lines of products not in the catalog (item -1), for the run's counts.
     */
    public static final StructType BY_USER = new StructType()
            .add(MasterDataset.USER_ID, DataTypes.LongType, false)
            .add(BASKETS, DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType, false), false), false)
            .add(BULK, DataTypes.IntegerType, false)
            .add(PURCHASES, DataTypes.LongType, false)
            .add(UNKNOWN, DataTypes.LongType, false);

    private Baskets() {}

    /**
     * Adds the item column to purchases: the product's index, or -1 for products not in the catalog.
     * A broadcast join with the catalog, which Spark compiles; a UDF per row was measured slower.
     */
    public static Dataset<Row> withItems(Dataset<Row> purchases, Dataset<Row> catalog) {
        return purchases.join(broadcast(catalog), purchases.col(MasterDataset.PRODUCT_ID).equalTo(catalog.col(ProductIndex.PRODUCT)), "left")
                .withColumn(ITEM, coalesce(catalog.col(ITEM), lit(-1)))
                .drop(catalog.col(ProductIndex.PRODUCT));
    }

    /** Master-dataset purchases with items → (basket, user_id, item). */
    public static Dataset<Row> lines(Dataset<Row> purchases) {
        return purchases.select(
                coalesce(col(MasterDataset.ORDER_ID),
                        concat_ws("|", col(MasterDataset.USER_ID).cast("string"), col(MasterDataset.EVENT_DATE).cast("string")))
                        .as(BASKET),
                col(MasterDataset.USER_ID), col(ITEM));
    }

    /** Lines → {@link #BY_USER}; unknown products (item -1) are counted only; baskets of more than {@code maxItems} products are bulk orders, left out. */
    public static Dataset<Row> byUser(Dataset<Row> lines, int maxItems) {
        return lines.groupBy(MasterDataset.USER_ID).agg(collect_list(struct(col(BASKET), col(ITEM))).as(BASKETS))
                .map((MapFunction<Row, Row>) r -> group(r.getLong(0), r.getList(1), maxItems), Encoders.row(BY_USER));
    }

    static Row group(long user, List<Row> lines, int maxItems) {
        Map<String, int[]> byBasket = new HashMap<>();
        long unknown = 0;
        for (Row l : lines) {
            if (l.getInt(1) < 0) {
                unknown++;
                continue;
            }
            int[] items = byBasket.computeIfAbsent(l.getString(0), k -> new int[] {0});
            // items[0] is the count; the rest grows as needed.
            int n = items[0];
            if (n + 1 == items.length) {
                items = Arrays.copyOf(items, Math.max(4, items.length * 2));
                byBasket.put(l.getString(0), items);
            }
            items[n + 1] = l.getInt(1);
            items[0] = n + 1;
        }
        List<Object> baskets = new ArrayList<>(byBasket.size());
        int bulk = 0;
        for (int[] items : byBasket.values()) {
            int[] distinct = Arrays.stream(items, 1, items[0] + 1).sorted().distinct().toArray();
            if (distinct.length > maxItems) {
                bulk++;
            } else {
                // The row encoder takes Scala sequences; ArraySeq wraps the arrays without copying.
                baskets.add(scala.collection.immutable.ArraySeq.unsafeWrapArray(distinct));
            }
        }
        return RowFactory.create(user, scala.collection.immutable.ArraySeq.unsafeWrapArray(baskets.toArray()), bulk,
                (long) lines.size(), unknown);
    }

    /** The baskets of a {@link #BY_USER} row, as arrays of items. */
    public static int[][] of(Row byUser) {
        List<scala.collection.Seq<Integer>> baskets = byUser.getList(1);
        int[][] out = new int[baskets.size()][];
        for (int b = 0; b < out.length; b++) {
            scala.collection.Seq<Integer> items = baskets.get(b);
            out[b] = new int[items.length()];
            for (int i = 0; i < out[b].length; i++) {
                out[b][i] = items.apply(i);
            }
        }
        return out;
    }
}
