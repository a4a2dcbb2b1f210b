package io.nowcast.copurchase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.master.MasterDataset;
import io.nowcast.recommend.Neighbour;
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

/** Basket forming and pair counting on hand-written lines in local Spark; ranking on hand-made counts. */
class CoPurchaseTest {
    private static SparkSession spark;
    private static final ProductIndex INDEX = new ProductIndex(List.of("a", "b", "c", "d"));

    @BeforeAll
    static void session() {
        spark = Spark.session("copurchase-test", "local[1]", 2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Items 0..3 (a..d). Baskets: {0,1} {0,1} {0,1,2} {2,3} {2,3} {3}: 6 baskets; o2 lists item 1 twice,
     * which counts once; user 4's two lines on one day without an order form one basket with 0 and 1 and 2 and 3,
     * five products, a bulk basket at a limit of 4.
     */
    private static Dataset<Row> lines() {
        StructType schema = new StructType().add(Baskets.BASKET, DataTypes.StringType)
                .add(MasterDataset.USER_ID, DataTypes.LongType).add(Baskets.ITEM, DataTypes.IntegerType);
        return spark.createDataFrame(List.of(
                RowFactory.create("o1", 1L, 0), RowFactory.create("o1", 1L, 1),
                RowFactory.create("o2", 2L, 1), RowFactory.create("o2", 2L, 0), RowFactory.create("o2", 2L, 1),
                RowFactory.create("o3", 1L, 0), RowFactory.create("o3", 1L, 1), RowFactory.create("o3", 1L, 2),
                RowFactory.create("o4", 3L, 2), RowFactory.create("o4", 3L, 3),
                RowFactory.create("o5", 3L, 3), RowFactory.create("o5", 3L, 2),
                RowFactory.create("o6", 2L, 3),
                RowFactory.create("4|2024-07-27", 4L, 0), RowFactory.create("4|2024-07-27", 4L, 1),
                RowFactory.create("4|2024-07-27", 4L, 2), RowFactory.create("4|2024-07-27", 4L, 3),
                RowFactory.create("4|2024-07-27", 4L, 1)), schema);
    }

    @Test
    void basketsAreFormedPerUserWithDistinctItemsAndBulkOnesLeftOut() {
        Map<Long, String> byUser = new TreeMap<>();
        for (Row r : Baskets.byUser(lines(), 3).collectAsList()) {
            List<String> baskets = java.util.Arrays.stream(Baskets.of(r)).map(java.util.Arrays::toString).sorted().toList();
            byUser.put(r.getLong(0), baskets + " bulk=" + r.getInt(2));
        }
        assertEquals(Map.of(1L, "[[0, 1, 2], [0, 1]] bulk=0", 2L, "[[0, 1], [3]] bulk=0", 3L, "[[2, 3], [2, 3]] bulk=0",
                4L, "[] bulk=1"), byUser);
    }

    @Test
    void countsEachPairOncePerBasketAndKeepsThoseWithMinimumSupport() {
        CoPurchase.Counts c = CoPurchase.count(Baskets.byUser(lines(), 3), 4, 2);
        assertEquals(6, c.baskets());
        assertEquals(1, c.bulk());
        assertArrayEquals(new long[] {3, 3, 3, 3}, c.itemBaskets());
        Map<String, Long> pairs = new TreeMap<>();
        for (int i = 0; i < c.pairs().length; i++) {
            pairs.put((c.pairs()[i] >>> 32) + "-" + (c.pairs()[i] & 0xFFFFFFFFL), c.support()[i]);
        }
        assertEquals(Map.of("0-1", 3L, "2-3", 2L), pairs);
        assertEquals(4, CoPurchase.count(Baskets.byUser(lines(), 3), 4, 1).pairs().length, "with support 1: 0-1, 0-2, 1-2, 2-3");
    }

    /** The counts of the baskets above, by hand. */
    private static CoPurchase.Counts handCounts() {
        return new CoPurchase.Counts(6, 0, new long[] {3, 3, 3, 3},
                new long[] {CoPurchase.pair(0, 1), CoPurchase.pair(0, 2), CoPurchase.pair(1, 2), CoPurchase.pair(2, 3)},
                new long[] {3, 1, 1, 2});
    }

    @Test
    void neighboursAreRankedByLlrWithSupportAndLift() {
        NeighbourTable t = CoPurchase.top(INDEX, handCounts(), Scoring.LLR, 10);
        List<Neighbour> a = t.of("a");
        assertEquals(1, a.size(), "a–c share one basket, less than chance (lift 2/3): not bought together");
        assertEquals("b", a.get(0).productId());
        assertEquals(3, a.get(0).support());
        assertEquals(LogLikelihood.ratio(3, 0, 0, 3), a.get(0).llr(), 1e-9);
        assertEquals(3.0 * 6 / (3 * 3), a.get(0).lift(), 1e-9);
        assertEquals(List.of("d"), t.of("c").stream().map(Neighbour::productId).toList(),
                "c–a and c–b have a G² as high as c–d's, but they are bought together less often than chance");
        assertEquals(2.0 * 6 / (3 * 3), t.of("c").get(0).lift(), 1e-9);
        assertEquals(2, t.scoredPairs());
    }

    @Test
    void theTopKCutKeepsTheBestAndBreaksTiesByProductId() {
        CoPurchase.Counts c = new CoPurchase.Counts(100, 0, new long[] {10, 10, 10, 10},
                new long[] {CoPurchase.pair(0, 3), CoPurchase.pair(0, 2), CoPurchase.pair(0, 1)}, new long[] {5, 5, 8});
        assertEquals(List.of("b", "c"), CoPurchase.top(INDEX, c, Scoring.LLR, 2).of("a").stream().map(Neighbour::productId).toList());
        assertEquals(List.of("b", "c", "d"), CoPurchase.top(INDEX, c, Scoring.COUNT, 3).of("a").stream().map(Neighbour::productId).toList());
    }

    @Test
    void rawCountScoringKeepsPairsBelowChance() {
        List<String> forC = CoPurchase.top(INDEX, handCounts(), Scoring.COUNT, 3).of("c").stream().map(Neighbour::productId).toList();
        assertEquals(List.of("d", "a", "b"), forC);
    }
}
