package io.nowcast.copurchase;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Item-item co-purchase ("bought together"): how many baskets hold each pair, scored by log-likelihood
 * ratio against how often each product is bought at all, with support and lift kept for display.
 * Pure transformations over {@link Baskets}; the job and the tests call the same code.
 */
public final class CoPurchase {
    public static final String PAIR = "pair";
    public static final String SUPPORT = "support";
    public static final String NEIGHBOUR = "neighbour";
    public static final String SCORE = "score";
    public static final String LLR = "llr";
    public static final String LIFT = "lift";
    public static final String RANK = "rank";

    private CoPurchase() {}

    /** A pair of item indexes as one long, the lower index in the high half. */
    static long pair(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    /** Baskets → (pair, support): every pair of items sharing at least {@code minSupport} baskets. */
    public static Dataset<Row> pairSupport(Dataset<Row> baskets, int minSupport) {
        FlatMapFunction<Row, Long> pairs = r -> {
            List<Integer> items = r.getList(0);
            int n = items.size();
            long[] out = new long[n * (n - 1) / 2];
            int k = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    out[k++] = pair(items.get(i), items.get(j));
                }
            }
            return java.util.Arrays.stream(out).boxed().iterator();
        };
        return baskets.select(Baskets.ITEMS).flatMap(pairs, Encoders.LONG())
                .groupBy("value").count()
                .where(col("count").geq(minSupport))
                .toDF(PAIR, SUPPORT);
    }

    /** How many baskets hold each item, indexed by item. */
    public static long[] itemBaskets(Dataset<Row> baskets, int products) {
        long[] counts = new long[products];
        for (Row r : baskets.select(explode(col(Baskets.ITEMS)).as(Baskets.ITEM)).groupBy(Baskets.ITEM).count().collectAsList()) {
            counts[r.getInt(0)] = r.getLong(1);
        }
        return counts;
    }

    /**
     * Pair support → each item's top {@code k} neighbours: (item, neighbour, support, llr, lift, score, rank),
     * ranked by {@code scoring} descending, then by neighbour index (= product id) ascending. Under LLR only
     * pairs with lift above 1 are neighbours.
     */
    public static Dataset<Row> topNeighbours(Dataset<Row> pairSupport, long[] itemBaskets, long baskets, Scoring scoring, int k) {
        Dataset<Row> split = pairSupport.select(
                shiftrightunsigned(col(PAIR), 32).cast("int").as("a"),
                col(PAIR).bitwiseAND(lit(0xFFFFFFFFL)).cast("int").as("b"),
                col(SUPPORT));
        Dataset<Row> directed = split.select(col("a").as(Baskets.ITEM), col("b").as(NEIGHBOUR), col(SUPPORT))
                .union(split.select(col("b").as(Baskets.ITEM), col("a").as(NEIGHBOUR), col(SUPPORT)));
        UserDefinedFunction llr = udf((Integer a, Integer b, Long both) ->
                Scoring.LLR.score(both, itemBaskets[a], itemBaskets[b], baskets), DataTypes.DoubleType);
        UserDefinedFunction score = udf((Integer a, Integer b, Long both) ->
                scoring.score(both, itemBaskets[a], itemBaskets[b], baskets), DataTypes.DoubleType);
        UserDefinedFunction lift = udf((Integer a, Integer b, Long both) ->
                (double) both * baskets / ((double) itemBaskets[a] * itemBaskets[b]), DataTypes.DoubleType);
        Dataset<Row> scored = directed.select(col(Baskets.ITEM), col(NEIGHBOUR), col(SUPPORT),
                llr.apply(col(Baskets.ITEM), col(NEIGHBOUR), col(SUPPORT)).as(LLR),
                lift.apply(col(Baskets.ITEM), col(NEIGHBOUR), col(SUPPORT)).as(LIFT),
                score.apply(col(Baskets.ITEM), col(NEIGHBOUR), col(SUPPORT)).as(SCORE));
        if (scoring == Scoring.LLR) {
            // G² is as large for pairs bought together less often than chance as for more often; only the latter are "bought together".
            scored = scored.where(col(LIFT).gt(1.0));
        }
        return scored.withColumn(RANK, row_number().over(
                        Window.partitionBy(Baskets.ITEM).orderBy(col(SCORE).desc(), col(NEIGHBOUR).asc())))
                .where(col(RANK).leq(k));
    }
}
