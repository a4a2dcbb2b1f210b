package io.nowcast.cf;

import io.nowcast.copurchase.NeighbourTable;
import io.nowcast.recommend.CfItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's batch collaborative-filtering list (DESIGN.md): the co-purchase scores of the neighbours of
 * everything they bought in the look-back, summed per candidate, without what they bought, best first
 * (score descending, then product id), top N. Pure; the job runs it per user on the executors.
 */
public final class UserLists {
    private UserLists() {}

    public static List<CfItem> of(int[] bought, NeighbourTable table, int n) {
        int[] owned = bought.clone();
        Arrays.sort(owned);
        Map<Integer, double[]> acc = new HashMap<>();
        for (int b : owned) {
            int[] nbrs = table.neighboursOf(b);
            for (int r = 0; r < nbrs.length; r++) {
                int c = nbrs[r];
                if (Arrays.binarySearch(owned, c) >= 0) {
                    continue;
                }
                double s = table.scoreOf(b, r);
                // [summed score, best single contribution, its source item, its support]
                double[] a = acc.computeIfAbsent(c, k -> new double[] {0, -1, -1, 0});
                a[0] += s;
                if (s > a[1] || (s == a[1] && b < a[2])) {
                    a[1] = s;
                    a[2] = b;
                    a[3] = table.supportOf(b, r);
                }
            }
        }
        List<Map.Entry<Integer, double[]>> entries = new ArrayList<>(acc.entrySet());
        entries.sort((x, y) -> {
            int byScore = Double.compare(y.getValue()[0], x.getValue()[0]);
            return byScore != 0 ? byScore : Integer.compare(x.getKey(), y.getKey());
        });
        List<CfItem> out = new ArrayList<>(Math.min(n, entries.size()));
        for (Map.Entry<Integer, double[]> e : entries.subList(0, Math.min(n, entries.size()))) {
            double[] a = e.getValue();
            out.add(new CfItem(table.index().id(e.getKey()), a[0], table.index().id((int) a[2]), (long) a[3]));
        }
        return out;
    }
}
