package dev.quiver.compute;

import java.util.Arrays;

/**
 * The reference distances: plain loops over the direct formula {@code sum_k (q_k - x_k)^2}, summed
 * in dimension order into a {@code float} accumulator: {@link SquaredL2#distance}, the one
 * definition every kNN search path ranks by, so this kernel and the searches report the same bits.
 * Its blocks keep their rows in a growing {@code float[]}. Allocates nothing per call once its heap
 * has grown to the largest {@code k}.
 *
 * <p>Error: each term carries two roundings for the difference and its square, and the sum adds
 * {@code d - 1} more, so {@code |out - D| <= gamma_{d+2} D} plus {@code d/2 Float.MIN_VALUE} of
 * underflow (Higham, Lemma 3.1 and section 3.1). With {@code D <= 2 (|q|^2 + |x|^2)} that gives
 * {@link #errorBound(int)} {@code = 2 gamma_{d+2}}.
 */
final class JavaDistances extends CheckedDistances {

    static final String NAME = "java";

    private final NearestHeap heap = new NearestHeap(16);

    JavaDistances() {
        super(NAME);
    }

    @Override
    protected void computeSquaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out) {
        float[] queryRows = queries.rows();
        float[] pointRows = points.rows();
        int queryCount = queries.count();
        int pointCount = points.count();
        for (int i = 0; i < queryCount; i++) {
            int q = queries.rowStart(i, dimension);
            int row = i * pointCount;
            for (int j = 0; j < pointCount; j++) {
                int p = points.rowStart(j, dimension);
                out[row + j] = SquaredL2.distance(queryRows, q, pointRows, p, dimension);
            }
        }
    }

    /** Cache-sized tiles: the caller screens each while it is hot. */
    @Override
    protected int tilePoints(int queryCount, int pointCount) {
        return cacheTilePoints(queryCount, pointCount);
    }

    @Override
    protected void computeNearest(
            RowBlock queries, SlotBlock block, int k, float[] outDistances, int[] outSlots) {
        float[] rows = ((HeapBlock) block).rows;
        int d = block.dimension();
        int slotCount = block.slotCount();
        for (int i = 0; i < queries.count(); i++) {
            int q = queries.rowStart(i, d);
            heap.start(k, NearestHeap.BY_SLOT);
            for (int slot = 0; slot < slotCount; slot++) {
                if (block.isLive(slot)) {
                    heap.offer(slot, SquaredL2.distance(queries.rows(), q, rows, slot * d, d));
                }
            }
            heap.drainPadded(outSlots, outDistances, i * k);
        }
    }

    @Override
    protected SlotBlock newBlock(int dimension) {
        return new HeapBlock(dimension, this);
    }

    @Override
    public double errorBound(int dimension) {
        return 2 * ComputeBackend.gamma(dimension + 2);
    }

    @Override
    protected void release() {
        // Nothing to release: the kernel holds only a small heap.
    }

    /** A block whose rows live in a Java array, slot-major. */
    private static final class HeapBlock extends SlotBlock {
        private float[] rows = new float[0];

        HeapBlock(int dimension, JavaDistances kernel) {
            super(dimension, kernel);
        }

        @Override
        protected void store(float[] from, int offset, int count, int first) {
            int d = dimension();
            int needed = Math.multiplyExact(first + count, d);
            if (needed > rows.length) {
                rows = Arrays.copyOf(rows, Math.max(needed, 2 * rows.length));
            }
            System.arraycopy(from, offset, rows, first * d, count * d);
        }

        @Override
        protected void move(int from, int to) {
            int d = dimension();
            System.arraycopy(rows, from * d, rows, to * d, d);
        }

        @Override
        protected void release() {
            rows = new float[0];
        }
    }
}
