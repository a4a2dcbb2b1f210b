package io.nowcast.copurchase;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Item-item co-purchase ("bought together"): how many baskets hold each pair, scored by log-likelihood
 * ratio against how often each product is bought at all, with support and lift kept for display.
 * Counting runs in Spark over {@link Baskets#byUser}; ranking the counted pairs is plain Java.
 */
public final class CoPurchase {
    /** Codes in the counting stream besides pairs (a &lt; b): an item is (a, a); these mark a basket and a bulk basket. */
    static final long BASKET = -1L;
    static final long BULK = -2L;

    private CoPurchase() {}

    /** A pair of item indexes as one long, the lower index in the high half. */
    static long pair(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    /** What counting found: baskets, bulk baskets left out, baskets per item, and pairs with their support. */
    public record Counts(long baskets, long bulk, long[] itemBaskets, long[] pairs, long[] support) {
        public long products() {
            return Arrays.stream(itemBaskets).filter(c -> c > 0).count();
        }
    }

    /** Counts baskets, items and pairs in one pass; keeps the pairs in at least {@code minSupport} baskets. */
    public static Counts count(Dataset<Row> byUser, int products, int minSupport) {
        FlatMapFunction<Row, Long> codes = r -> {
            List<Long> out = new ArrayList<>();
            for (int[] items : Baskets.of(r)) {
                out.add(BASKET);
                int n = items.length;
                for (int i = 0; i < n; i++) {
                    int a = items[i];
                    out.add(((long) a << 32) | a);
                    for (int j = i + 1; j < n; j++) {
                        out.add(pair(a, items[j]));
                    }
                }
            }
            for (int b = r.getInt(2); b > 0; b--) {
                out.add(BULK);
            }
            return out.iterator();
        };
        List<Row> rows = byUser.flatMap(codes, Encoders.LONG()).groupBy("value").count()
                .where(col("count").geq(minSupport).or(col("value").lt(0))
                        .or(col("value").bitwiseAND(0xFFFFFFFFL).equalTo(org.apache.spark.sql.functions.shiftrightunsigned(col("value"), 32))))
                .collectAsList();
        long baskets = 0;
        long bulk = 0;
        long[] items = new long[products];
        long[] pairs = new long[rows.size()];
        long[] support = new long[rows.size()];
        int n = 0;
        for (Row r : rows) {
            long code = r.getLong(0);
            long c = r.getLong(1);
            int a = (int) (code >>> 32);
            int b = (int) (code & 0xFFFFFFFFL);
            if (code == BASKET) {
                baskets = c;
            } else if (code == BULK) {
                bulk = c;
            } else if (a == b) {
                items[a] = c;
            } else {
                pairs[n] = code;
                support[n++] = c;
            }
        }
        return new Counts(baskets, bulk, items, Arrays.copyOf(pairs, n), Arrays.copyOf(support, n));
    }

    /**
     * Each item's top {@code k} neighbours, ranked by {@code scoring} descending, then by neighbour index
     * (= product id) ascending. Under LLR only pairs bought together more often than chance (lift above 1)
     * are neighbours: G² is as large for pairs bought together less often.
     */
    public static NeighbourTable top(ProductIndex index, Counts c, Scoring scoring, int k) {
        NeighbourTable.Builder b = new NeighbourTable.Builder(index);
        for (int i = 0; i < c.pairs().length; i++) {
            int x = (int) (c.pairs()[i] >>> 32);
            int y = (int) (c.pairs()[i] & 0xFFFFFFFFL);
            long both = c.support()[i];
            long nx = c.itemBaskets()[x];
            long ny = c.itemBaskets()[y];
            double lift = (double) both * c.baskets() / ((double) nx * ny);
            if (scoring == Scoring.LLR && lift <= 1.0) {
                continue;
            }
            double llr = Scoring.LLR.score(both, nx, ny, c.baskets());
            double score = scoring == Scoring.LLR ? llr : scoring.score(both, nx, ny, c.baskets());
            b.add(x, y, both, llr, lift, score);
            b.add(y, x, both, llr, lift, score);
        }
        return b.build(k);
    }
}
