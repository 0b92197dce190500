package dev.quiver.knn;

/**
 * When a kd-tree node must be rebuilt, after the ikd-Tree (Cai, Xu and Zhang 2021): a leaf that
 * overflowed, a subtree with more than {@code maxDeletedFraction} tombstones, or an internal node
 * one child of which holds more than {@code alpha} of its points (scapegoat balance, Galperin and
 * Rivest). Kept in one place because inserts test balance on the way down, before the counts they
 * change are written, and must agree exactly with the test on the finished tree.
 */
final class RebuildCriteria {

    final int leafSize;
    private final double alpha;
    private final double maxDeletedFraction;

    RebuildCriteria(int leafSize, double alpha, double maxDeletedFraction) {
        this.leafSize = leafSize;
        this.alpha = alpha;
        this.maxDeletedFraction = maxDeletedFraction;
    }

    /**
     * Whether a child of {@code larger} points is too large for a parent of {@code points}. Also
     * accepts {@code 2 * larger <= points + 1}, the best any split of {@code points} can do, so
     * that a fresh median split never fails it (which alpha alone would allow for tiny {@code
     * points} and alpha near 0.5).
     */
    boolean unbalanced(int larger, int points) {
        return larger > alpha * points && 2L * larger > points + 1L;
    }

    /**
     * Whether a node must be rebuilt. A leaf: it overflowed, or too many of its points are dead. An
     * internal node: it holds no more points than a leaf could, too many are dead, or it is {@link
     * #unbalanced}.
     */
    boolean violated(KdTreeStore store, int node) {
        int s = store.size[node];
        int dead = store.dead[node];
        if (dead > 0 && dead > maxDeletedFraction * s) {
            return true;
        }
        if (store.isLeaf(node)) {
            return s > leafSize;
        }
        if (s <= leafSize) {
            return true;
        }
        return unbalanced(Math.max(store.size[store.left[node]], store.size[store.right[node]]), s);
    }
}
