package io.nowcast.cf;

import io.nowcast.copurchase.NeighbourTable;
import io.nowcast.recommend.CfItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A user's batch collaborative-filtering list (DESIGN.md): the co-purchase scores of the neighbours of
 * everything they bought in the look-back, summed per candidate, without what they bought, best first
 * (score descending, then product id), top N. Pure; the job runs it per user on the executors, with one
 * {@link Scratch} per task so that no map is built per user (a profile showed maps and sorts dominating).
 */
public final class UserLists {
    private UserLists() {}

    /** Per-candidate accumulators indexed by item, reset after each user by walking only the touched items. */
    public static final class Scratch {
        final double[] sum;
        final double[] best;
        final int[] because;
        final long[] support;
        final int[] touched;
        int count;

        public Scratch(int products) {
            sum = new double[products];
            best = new double[products];
            because = new int[products];
            support = new long[products];
            touched = new int[products];
            Arrays.fill(because, -1);
        }
    }

    public static List<CfItem> of(int[] bought, NeighbourTable table, int n) {
        return of(bought, table, n, new Scratch(table.index().size()));
    }

    public static List<CfItem> of(int[] bought, NeighbourTable table, int n, Scratch s) {
        int[] owned = bought.clone();
        Arrays.sort(owned);
        for (int b : owned) {
            int[] nbrs = table.neighboursOf(b);
            for (int r = 0; r < nbrs.length; r++) {
                int c = nbrs[r];
                if (Arrays.binarySearch(owned, c) >= 0) {
                    continue;
                }
                double score = table.scoreOf(b, r);
                if (s.because[c] < 0) {
                    s.touched[s.count++] = c;
                    s.sum[c] = 0;
                    s.best[c] = -1;
                }
                s.sum[c] += score;
                // Owned items come in ascending order, so the first of equal contributions is the lowest id.
                if (score > s.best[c]) {
                    s.best[c] = score;
                    s.because[c] = b;
                    s.support[c] = table.supportOf(b, r);
                }
            }
        }
        int[] top = topN(s, n);
        List<CfItem> out = new ArrayList<>(top.length);
        for (int c : top) {
            out.add(new CfItem(table.index().id(c), s.sum[c], table.index().id(s.because[c]), s.support[c]));
        }
        for (int i = 0; i < s.count; i++) {
            s.because[s.touched[i]] = -1;
        }
        s.count = 0;
        return out;
    }

    /** The best n touched candidates, in order: a selection over the few touched, not a sort of them all. */
    private static int[] topN(Scratch s, int n) {
        int k = Math.min(n, s.count);
        int[] top = new int[k];
        int size = 0;
        for (int i = 0; i < s.count; i++) {
            int c = s.touched[i];
            if (size < k) {
                int at = size++;
                while (at > 0 && better(s, c, top[at - 1])) {
                    top[at] = top[at - 1];
                    at--;
                }
                top[at] = c;
            } else if (k > 0 && better(s, c, top[k - 1])) {
                int at = k - 1;
                while (at > 0 && better(s, c, top[at - 1])) {
                    top[at] = top[at - 1];
                    at--;
                }
                top[at] = c;
            }
        }
        return top;
    }

    private static boolean better(Scratch s, int a, int b) {
        return s.sum[a] > s.sum[b] || (s.sum[a] == s.sum[b] && a < b);
    }
}
