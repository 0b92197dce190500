package dev.quiver.compute;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * ND4J on the CPU (OpenBLAS {@code sgemm}): {@code |q - x|^2 = |q|^2 + |x|^2 - 2 q.x}, with all
 * inner products of a block in one matrix product. This is the only class that imports ND4J, so the
 * rest of Quiver, and any other backend, runs without it on the classpath.
 *
 * <p>A {@link PointBlock} of this kernel keeps its rows in one off-heap buffer, slot-major, with
 * their squared norms in a Java array: an append copies only the new rows into it (the buffer
 * doubles when full, copying what it holds once), so it is never uploaded whole per batch.
 *
 * <p>{@link #screenDistances} and {@link #nearest} are fused: {@link SgemmTiles} calls the OpenBLAS
 * that ND4J loads ({@code cblas_sgemm}, through JavaCPP's preset) on cache-sized tiles, and each
 * tile is screened, or offered to the heaps of up to {@value #QUERY_TILE} queries (skipping dead
 * slots), while it is still in L2; {@link #nearest} reads the block's buffer in place. Their
 * distances are those of {@link #squaredDistances}, with the same arithmetic and bound. They live
 * in their own class because they need no ND4J type, only the library under it.
 *
 * <p>{@link #squaredDistances}, which must write its whole block anyway, goes through ND4J: per
 * call the query and point rows are copied into off-heap buffers that grow to the largest
 * call and are reused; the product {@code -2 Q X^T} is written into a third buffer, and the norms
 * are added in Java while copying it out. Norms are summed in {@code double} (products of floats
 * are exact there) and rounded once to {@code float}. ND4J's views and op descriptors are small
 * Java objects; a call of a shape seen before reuses its views.
 *
 * <p>Error (Higham, Lemma 3.1 and section 3.1): the inner product errs by at most {@code gamma_d
 * sum |q_k x_k| <= gamma_d (|q|^2 + |x|^2) / 2} in any summation order BLAS picks; scaling by -2 is
 * exact; each norm errs by about {@code u |q|^2}; the two final additions add {@code u} of their
 * operands, at most {@code 3 u (|q|^2 + |x|^2)}. Together {@code |out - D| <= gamma_{d+5} (|q|^2 +
 * |x|^2)}, plus at most {@code (d + 1) Float.MIN_VALUE} of underflow, which the {@code d
 * Float.MIN_NORMAL} term of {@link ComputeBackend#errorBound(int)} covers.
 *
 * <p>The OpenBLAS threads are ND4J's (one per core by default): several backends in one JVM share
 * the cores rather than each getting its own.
 */
final class Nd4jCpuDistances extends CheckedDistances {

    static final String NAME = "nd4j-cpu";

    /** Queries whose heaps {@link #nearest} fills at once. */
    static final int QUERY_TILE = 256;

    private final NearestHeap[] heaps = new NearestHeap[QUERY_TILE];
    private final SgemmTiles sgemmTiles = new SgemmTiles();

    private DataBuffer queryBuffer;
    private DataBuffer pointBuffer;
    private DataBuffer productBuffer;
    private FloatBuffer queryFloats;
    private FloatBuffer pointFloats;
    private FloatBuffer productFloats;

    // Views over the buffers for the last shapes used: blocks repeat their shapes call after call.
    private INDArray queryMatrix;
    private INDArray pointMatrix;
    private INDArray productMatrix;

    private float[] queryNorms = new float[0];
    private float[] pointNorms = new float[0];

    Nd4jCpuDistances() {
        super(NAME);
        // Touching the backend here loads the natives now, so a missing or broken ND4J install
        // fails when the backend is created rather than on the first batch.
        Nd4j.getBackend();
        for (int i = 0; i < QUERY_TILE; i++) {
            heaps[i] = new NearestHeap(16);
        }
    }

    @Override
    protected void computeSquaredDistances(
            RowBlock queries, RowBlock points, int dimension, float[] out) {
        int queryCount = queries.count();
        int pointCount = points.count();
        int queryLength = queries.length(dimension);
        int pointLength = points.length(dimension);
        int productLength = queryCount * pointCount;
        ensureCapacity(queryLength, pointLength, productLength);
        queryFloats.put(0, queries.rows(), queries.offset(), queryLength);
        pointFloats.put(0, points.rows(), points.offset(), pointLength);
        queryNorms = SgemmTiles.norms(queries, dimension, queryNorms);
        pointNorms = SgemmTiles.norms(points, dimension, pointNorms);

        if (!hasShape(queryMatrix, queryCount, dimension)) {
            queryMatrix = matrix(queryBuffer, queryCount, dimension);
        }
        if (!hasShape(pointMatrix, pointCount, dimension)) {
            pointMatrix = matrix(pointBuffer, pointCount, dimension);
        }
        if (!hasShape(productMatrix, queryCount, pointCount)) {
            productMatrix = matrix(productBuffer, queryCount, pointCount);
        }
        // alpha = -2 is an exact scaling, so the product carries only the inner product's error.
        Nd4j.gemm(queryMatrix, pointMatrix, productMatrix, false, true, -2.0, 0.0);
        productFloats.get(0, out, 0, productLength);

        for (int i = 0; i < queryCount; i++) {
            float queryNorm = queryNorms[i];
            int row = i * pointCount;
            for (int j = 0; j < pointCount; j++) {
                out[row + j] = (queryNorm + pointNorms[j]) + out[row + j];
            }
        }
    }

    /** Tile by tile through {@link SgemmTiles}: the block is never written whole. */
    @Override
    protected void computeTiles(
            RowBlock queries, RowBlock points, int dimension, DistanceTiles tiles) {
        sgemmTiles.screen(queries, points, dimension, tiles);
    }

    @Override
    public double errorBound(int dimension) {
        return ComputeBackend.gamma(dimension + 5);
    }

    @Override
    protected void computeNearest(
            RowBlock queries, SlotBlock block, int k, float[] outDistances, int[] outSlots) {
        OffHeapBlock points = (OffHeapBlock) block;
        int d = block.dimension();
        int slotCount = block.slotCount();
        for (int q0 = 0; q0 < queries.count(); q0 += QUERY_TILE) {
            int queryCount = Math.min(QUERY_TILE, queries.count() - q0);
            RowBlock tile = new RowBlock(queries.rows(), queries.rowStart(q0, d), queryCount);
            for (int i = 0; i < queryCount; i++) {
                heaps[i].start(k, NearestHeap.BY_SLOT);
            }
            if (slotCount > 0) {
                sgemmTiles.screen(
                        tile,
                        points.buffer.addressPointer(),
                        points.norms,
                        slotCount,
                        d,
                        (first, count, distances) -> offer(block, queryCount, first, count, distances));
            }
            for (int i = 0; i < queryCount; i++) {
                heaps[i].drainPadded(outSlots, outDistances, (q0 + i) * k);
            }
        }
    }

    /** Offers the live slots of one tile to the heaps of its queries. */
    private void offer(SlotBlock block, int queryCount, int first, int count, float[] distances) {
        for (int i = 0; i < queryCount; i++) {
            NearestHeap heap = heaps[i];
            int row = i * count;
            for (int j = 0; j < count; j++) {
                int slot = first + j;
                if (block.isLive(slot)) {
                    float distance = distances[row + j];
                    if (distance <= heap.bound()) {
                        heap.offer(slot, distance);
                    }
                }
            }
        }
    }

    @Override
    protected SlotBlock newBlock(int dimension) {
        return new OffHeapBlock(dimension, this);
    }

    @Override
    protected void release() {
        sgemmTiles.close();
        queryMatrix = null;
        pointMatrix = null;
        productMatrix = null;
        release(queryBuffer);
        release(pointBuffer);
        release(productBuffer);
    }

    private void ensureCapacity(int queryLength, int pointLength, int productLength) {
        if (queryBuffer == null || queryBuffer.length() < queryLength) {
            release(queryBuffer);
            queryBuffer = newBuffer(queryLength);
            queryFloats = queryBuffer.asNioFloat();
            queryMatrix = null;
        }
        if (pointBuffer == null || pointBuffer.length() < pointLength) {
            release(pointBuffer);
            pointBuffer = newBuffer(pointLength);
            pointFloats = pointBuffer.asNioFloat();
            pointMatrix = null;
        }
        if (productBuffer == null || productBuffer.length() < productLength) {
            release(productBuffer);
            productBuffer = newBuffer(productLength);
            productFloats = productBuffer.asNioFloat();
            productMatrix = null;
        }
    }

    /** A block whose rows live in one off-heap ND4J buffer, slot-major. */
    private static final class OffHeapBlock extends SlotBlock {
        private DataBuffer buffer;
        private FloatBuffer floats;
        private float[] norms = new float[16];

        OffHeapBlock(int dimension, Nd4jCpuDistances kernel) {
            super(dimension, kernel);
        }

        @Override
        protected void store(float[] rows, int offset, int count, int first) {
            int d = dimension();
            long needed = (long) (first + count) * d;
            if (buffer == null || buffer.length() < needed) {
                long capacity = Math.max(needed, buffer == null ? 16L * d : 2 * buffer.length());
                DataBuffer grown = newBuffer(Math.toIntExact(capacity));
                FloatBuffer grownFloats = grown.asNioFloat();
                if (buffer != null) {
                    // The one copy of what the block holds: when it doubles, not per batch.
                    float[] old = new float[first * d];
                    floats.get(0, old, 0, old.length);
                    grownFloats.put(0, old, 0, old.length);
                    Nd4jCpuDistances.release(buffer);
                }
                buffer = grown;
                floats = grownFloats;
            }
            floats.put(first * d, rows, offset, count * d);
            if (norms.length < first + count) {
                norms = java.util.Arrays.copyOf(norms, Math.max(first + count, 2 * norms.length));
            }
            for (int i = 0; i < count; i++) {
                norms[first + i] = (float) SquaredNorms.of(rows, offset + i * d, d);
            }
        }

        @Override
        protected void move(int from, int to) {
            int d = dimension();
            for (int k = 0; k < d; k++) {
                floats.put(to * d + k, floats.get(from * d + k));
            }
            norms[to] = norms[from];
        }

        @Override
        protected void release() {
            Nd4jCpuDistances.release(buffer);
            buffer = null;
            floats = null;
        }
    }

    private static DataBuffer newBuffer(int length) {
        length = Math.max(1, length);
        // Zero-filled: with beta = 0 BLAS never reads the product buffer, but a fallback GEMM
        // computing beta * C would turn uninitialised NaN bits into NaN results.
        return Nd4j.createBuffer(DataType.FLOAT, length, true);
    }

    private static INDArray matrix(DataBuffer buffer, int rows, int columns) {
        return Nd4j.create(
                buffer,
                new long[] {rows, columns},
                new long[] {columns, 1},
                0,
                'c',
                DataType.FLOAT);
    }

    private static boolean hasShape(INDArray matrix, int rows, int columns) {
        return matrix != null && matrix.rows() == rows && matrix.columns() == columns;
    }

    private static void release(DataBuffer buffer) {
        if (buffer != null && buffer.closeable()) {
            buffer.close();
        }
    }
}
