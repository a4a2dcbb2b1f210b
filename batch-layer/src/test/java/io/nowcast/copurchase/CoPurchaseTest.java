package io.nowcast.copurchase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.spark.Spark;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pair counting and ranking on five hand-written baskets, in local Spark. */
class CoPurchaseTest {
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = Spark.session("copurchase-test", "local[1]", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Items 0..3. Baskets: {0,1} {0,1} {0,1,2} {2,3} {2,3} {3}: 6 baskets. */
    private static Dataset<Row> baskets() {
        StructType schema = new StructType().add(Baskets.BASKET, DataTypes.StringType)
                .add(Baskets.ITEMS, DataTypes.createArrayType(DataTypes.IntegerType));
        return spark.createDataFrame(List.of(
                RowFactory.create("o1", List.of(0, 1)), RowFactory.create("o2", List.of(1, 0)),
                RowFactory.create("o3", List.of(0, 1, 2)), RowFactory.create("o4", List.of(2, 3)),
                RowFactory.create("o5", List.of(3, 2)), RowFactory.create("o6", List.of(3))), schema);
    }

    @Test
    void countsEachPairOncePerBasketAndKeepsThoseWithMinimumSupport() {
        Map<String, Long> pairs = new TreeMap<>();
        for (Row r : CoPurchase.pairSupport(baskets(), 2).collectAsList()) {
            long p = r.getLong(0);
            pairs.put((p >>> 32) + "-" + (p & 0xFFFFFFFFL), r.getLong(1));
        }
        assertEquals(Map.of("0-1", 3L, "2-3", 2L), pairs);
        assertEquals(4, CoPurchase.pairSupport(baskets(), 1).count(), "with support 1: 0-1, 0-2, 1-2, 2-3");
    }

    @Test
    void itemBasketCountsAreIndexedByItem() {
        assertArrayEquals(new long[] {3, 3, 3, 3}, CoPurchase.itemBaskets(baskets(), 4));
    }

    @Test
    void neighboursAreRankedByLlrWithSupportAndLift() {
        long[] freq = CoPurchase.itemBaskets(baskets(), 4);
        List<Row> top = CoPurchase.topNeighbours(CoPurchase.pairSupport(baskets(), 1), freq, 6, Scoring.LLR, 1)
                .orderBy(Baskets.ITEM).collectAsList();
        assertEquals(4, top.size(), "one neighbour each at k = 1");
        List<Row> all = CoPurchase.topNeighbours(CoPurchase.pairSupport(baskets(), 1), freq, 6, Scoring.LLR, 10)
                .where("item = 2").collectAsList();
        assertEquals(List.of(3), all.stream().map(r -> (int) r.getAs(CoPurchase.NEIGHBOUR)).toList(),
                "0 and 1 share fewer baskets with 2 than chance would (lift 2/3): G² is as high, but they are not bought together");
        Row zero = top.get(0);
        assertEquals(1, (int) zero.getAs(CoPurchase.NEIGHBOUR), "0's best neighbour is 1 (3 shared baskets), not 2 (1 shared)");
        assertEquals(3L, (long) zero.getAs(CoPurchase.SUPPORT));
        assertEquals(LogLikelihood.ratio(3, 0, 0, 3), zero.getAs(CoPurchase.LLR), 1e-9);
        assertEquals(3.0 * 6 / (3 * 3), zero.getAs(CoPurchase.LIFT), 1e-9);
        Row two = top.get(2);
        assertEquals(3, (int) two.getAs(CoPurchase.NEIGHBOUR), "2 shares two baskets with 3 and one with 0 and 1");
        assertEquals(2.0 * 6 / (3 * 3), two.getAs(CoPurchase.LIFT), 1e-9);
    }

    @Test
    void rawCountScoringBreaksTiesByProductIdAsLlrDoes() {
        long[] freq = CoPurchase.itemBaskets(baskets(), 4);
        List<Row> forTwo = CoPurchase.topNeighbours(CoPurchase.pairSupport(baskets(), 1), freq, 6, Scoring.COUNT, 3)
                .where("item = 2").orderBy(CoPurchase.RANK).collectAsList();
        assertEquals(List.of(3, 0, 1), forTwo.stream().map(r -> (int) r.getAs(CoPurchase.NEIGHBOUR)).toList());
        assertEquals(List.of(2.0, 1.0, 1.0), forTwo.stream().map(r -> (double) r.getAs(CoPurchase.SCORE)).toList());
    }
}
