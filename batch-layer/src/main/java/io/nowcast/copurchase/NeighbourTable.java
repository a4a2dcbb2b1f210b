package io.nowcast.copurchase;

import io.nowcast.recommend.Neighbour;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Every product's top neighbours, held in arrays indexed by item, best first: what the job publishes
 * to {@code copurchase:{version}} and what the CF step reads (broadcast to the executors).
 */
public final class NeighbourTable implements Serializable {
    private static final int[] NO_INTS = new int[0];

    private final ProductIndex index;
    private final int[][] neighbours;
    private final long[][] support;
    private final double[][] llr;
    private final double[][] lift;
    private final double[][] score;

    private NeighbourTable(ProductIndex index) {
        this.index = index;
        int n = index.size();
        neighbours = new int[n][];
        support = new long[n][];
        llr = new double[n][];
        lift = new double[n][];
        score = new double[n][];
        Arrays.fill(neighbours, NO_INTS);
    }

    /** From the rows of {@link CoPurchase#topNeighbours}, in any order. */
    public static NeighbourTable of(ProductIndex index, List<Row> rows) {
        NeighbourTable t = new NeighbourTable(index);
        int[] counts = new int[index.size()];
        for (Row r : rows) {
            counts[r.<Integer>getAs(Baskets.ITEM)] = Math.max(counts[r.<Integer>getAs(Baskets.ITEM)], r.<Integer>getAs(CoPurchase.RANK));
        }
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                t.neighbours[i] = new int[counts[i]];
                t.support[i] = new long[counts[i]];
                t.llr[i] = new double[counts[i]];
                t.lift[i] = new double[counts[i]];
                t.score[i] = new double[counts[i]];
            }
        }
        for (Row r : rows) {
            int i = r.getAs(Baskets.ITEM);
            int at = r.<Integer>getAs(CoPurchase.RANK) - 1;
            t.neighbours[i][at] = r.getAs(CoPurchase.NEIGHBOUR);
            t.support[i][at] = r.getAs(CoPurchase.SUPPORT);
            t.llr[i][at] = r.getAs(CoPurchase.LLR);
            t.lift[i][at] = r.getAs(CoPurchase.LIFT);
            t.score[i][at] = r.getAs(CoPurchase.SCORE);
        }
        return t;
    }

    public ProductIndex index() {
        return index;
    }

    /** Neighbour indexes of item {@code i}, best first (an empty array when it has none). */
    public int[] neighboursOf(int i) {
        return neighbours[i];
    }

    /** The ranking score of item {@code i}'s neighbour at {@code rank} (0 = best). */
    public double scoreOf(int i, int rank) {
        return score[i][rank];
    }

    public long supportOf(int i, int rank) {
        return support[i][rank];
    }

    /** Items that have neighbours. */
    public int itemsWithNeighbours() {
        int n = 0;
        for (int[] a : neighbours) {
            n += a.length > 0 ? 1 : 0;
        }
        return n;
    }

    /** Directed pairs kept (each pair counts once per direction). */
    public long pairs() {
        long n = 0;
        for (int[] a : neighbours) {
            n += a.length;
        }
        return n;
    }

    /** Item {@code i}'s neighbours as the published records, best first. */
    public List<Neighbour> of(int i) {
        List<Neighbour> out = new ArrayList<>(neighbours[i].length);
        for (int r = 0; r < neighbours[i].length; r++) {
            out.add(new Neighbour(index.id(neighbours[i][r]), llr[i][r], support[i][r], lift[i][r]));
        }
        return out;
    }

    /** A product's neighbours by id; empty for unknown products. */
    public List<Neighbour> of(String productId) {
        int i = index.indexOf(productId);
        return i < 0 ? List.of() : of(i);
    }
}
