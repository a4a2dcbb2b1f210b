package io.nowcast.cf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nowcast.copurchase.NeighbourTable;
import io.nowcast.copurchase.ProductIndex;
import io.nowcast.recommend.CfItem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CF list rules on a hand-made neighbour table: sums, exclusions, ties, the cap and the reason. */
class UserListsTest {
    private final ProductIndex index = new ProductIndex(List.of("a", "b", "c", "d", "e"));
    private final NeighbourTable.Builder builder = new NeighbourTable.Builder(index);

    /** An edge; the rank is implied by the score (the builder orders each list). */
    private void edge(String from, String to, int rank, double score, long support) {
        builder.add(index.indexOf(from), index.indexOf(to), support, score, 1.5, score);
    }

    private NeighbourTable table() {
        return builder.build(50);
    }

    private List<CfItem> listFor(int n, String... bought) {
        int[] items = java.util.Arrays.stream(bought).mapToInt(index::indexOf).toArray();
        return UserLists.of(items, table(), n);
    }

    @Test
    void scoresOfACandidateAreSummedOverEverythingBoughtAndTheBiggestContributorIsTheReason() {
        edge("a", "c", 1, 5.0, 4);
        edge("b", "c", 1, 7.0, 6);
        edge("b", "d", 2, 3.0, 2);
        assertEquals(List.of(new CfItem("c", 12.0, "b", 6), new CfItem("d", 3.0, "b", 2)), listFor(10, "a", "b"));
    }

    @Test
    void whatTheUserBoughtIsLeftOut() {
        edge("a", "b", 1, 9.0, 3);
        edge("a", "c", 2, 4.0, 2);
        assertEquals(List.of(new CfItem("c", 4.0, "a", 2)), listFor(10, "a", "b"));
    }

    @Test
    void tiesGoToTheLowerProductIdAndTheListIsCapped() {
        edge("a", "e", 1, 2.0, 2);
        edge("a", "d", 2, 2.0, 2);
        edge("a", "c", 3, 2.0, 2);
        assertEquals(List.of(new CfItem("c", 2.0, "a", 2), new CfItem("d", 2.0, "a", 2)), listFor(2, "a"));
    }

    @Test
    void aScratchReusedAcrossUsersGivesTheSameListsAsAFreshOne() {
        edge("a", "c", 1, 5.0, 4);
        edge("b", "d", 1, 3.0, 2);
        NeighbourTable t = table();
        UserLists.Scratch scratch = new UserLists.Scratch(index.size());
        int[] first = {index.indexOf("a")};
        int[] second = {index.indexOf("b")};
        assertEquals(UserLists.of(first, t, 10), UserLists.of(first, t, 10, scratch));
        assertEquals(List.of(new CfItem("d", 3.0, "b", 2)), UserLists.of(second, t, 10, scratch));
        assertEquals(UserLists.of(first, t, 10), UserLists.of(first, t, 10, scratch));
    }

    @Test
    void aUserWhoseProductsHaveNoNeighboursGetsNothing() {
        edge("a", "b", 1, 1.0, 2);
        assertEquals(List.of(), listFor(10, "e"));
        assertEquals(List.of(), listFor(10));
    }

    @Test
    void productIndexMapsUnknownProductsToMinusOneAndSortsIds() {
        ProductIndex i = new ProductIndex(List.of("z", "a", "m", "a"));
        assertEquals(3, i.size());
        assertEquals(0, i.indexOf("a"));
        assertEquals(2, i.indexOf("z"));
        assertEquals(-1, i.indexOf("nope"));
        assertEquals(-1, i.indexOf(null));
    }
}
