package io.nowcast.copurchase;

import io.nowcast.recommend.Neighbour;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
    private long scoredPairs;

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

    /** Collects directed candidate edges, then keeps each item's best k. */
    public static final class Builder {
        private final ProductIndex index;
        private final List<List<double[]>> edges = new ArrayList<>();
        private long added;

        public Builder(ProductIndex index) {
            this.index = index;
            for (int i = 0; i < index.size(); i++) {
                edges.add(null);
            }
        }

        /** An edge from item to neighbour. */
        public Builder add(int item, int neighbour, long support, double llr, double lift, double score) {
            List<double[]> e = edges.get(item);
            if (e == null) {
                e = new ArrayList<>(4);
                edges.set(item, e);
            }
            e.add(new double[] {neighbour, support, llr, lift, score});
            added++;
            return this;
        }

        public NeighbourTable build(int k) {
            NeighbourTable t = new NeighbourTable(index);
            t.scoredPairs = added / 2;
            for (int i = 0; i < edges.size(); i++) {
                List<double[]> e = edges.get(i);
                if (e == null) {
                    continue;
                }
                e.sort((a, b) -> a[4] != b[4] ? Double.compare(b[4], a[4]) : Double.compare(a[0], b[0]));
                int n = Math.min(k, e.size());
                t.neighbours[i] = new int[n];
                t.support[i] = new long[n];
                t.llr[i] = new double[n];
                t.lift[i] = new double[n];
                t.score[i] = new double[n];
                for (int r = 0; r < n; r++) {
                    double[] x = e.get(r);
                    t.neighbours[i][r] = (int) x[0];
                    t.support[i][r] = (long) x[1];
                    t.llr[i][r] = x[2];
                    t.lift[i][r] = x[3];
                    t.score[i][r] = x[4];
                }
            }
            return t;
        }
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

    /** Pairs that qualified as neighbours before each product's list was cut to k. */
    public long scoredPairs() {
        return scoredPairs;
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
