package dev.quiver.compute;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;

import java.nio.FloatBuffer;

/**
 * {@link DistanceKernel#screenDistances} by OpenBLAS {@code cblas_sgemm}, called directly through
 * JavaCPP's OpenBLAS preset (the library ND4J's CPU backend loads), one cache-sized tile at a time:
 * each tile {@code -2 Q X^T} of every query against {@link CheckedDistances#cacheTilePoints}
 * points is computed into a small native buffer, copied to the heap and given the norms while it
 * is still in L2, and handed to the caller there. The whole queries x points block is never
 * written, so nothing of it is read back from memory.
 *
 * <p>The arithmetic is {@link Nd4jCpuDistances}'s ({@code (|q|^2 + |x|^2) + (-2 q.x)} in {@code
 * float}, norms summed in {@code double} and rounded once), so its distances carry the same
 * bound, {@code gamma_{d+5} (|q|^2 + |x|^2)}.
 *
 * <p>The query rows of a call, and point rows from the heap, are copied once into native buffers
 * that grow to the largest call and are reused; rows already in native memory (a block of {@link
 * Nd4jCpuDistances}) are read in place. Each tile's product runs on a view at its first row.
 * Not thread-safe; {@link #close} frees the native memory.
 */
final class SgemmTiles implements AutoCloseable {

    private final NativeRows queryRows = new NativeRows();
    private final NativeRows pointRows = new NativeRows();
    private final NativeRows product = new NativeRows();

    // Views at a tile's first row, into pointRows and into a caller's buffer: moved, never
    // allocated, per tile.
    private FloatPointer pointView;
    private FloatPointer rowView;

    private float[] tile = new float[0];
    private float[] queryNorms = new float[0];
    private float[] pointNorms = new float[0];

    /** Hands the tiles of {@code queries} x {@code points} to {@code tiles}; neither is empty. */
    void screen(RowBlock queries, RowBlock points, int d, DistanceTiles tiles) {
        loadQueries(queries, d);
        if (pointRows.fill(points.rows(), points.offset(), points.length(d)) || pointView == null) {
            pointView = new FloatPointer(pointRows.pointer);
        }
        pointNorms = norms(points, d, pointNorms);
        multiply(queries.count(), pointView, pointNorms, points.count(), d, tiles);
    }

    /**
     * Hands the tiles of {@code queries} x the first {@code count} rows of the native buffer at
     * {@code rows} (slot-major, {@code d} floats a row, squared norms in {@code norms}) to {@code
     * tiles}, reading the rows in place; neither is empty.
     */
    void screen(RowBlock queries, Pointer rows, float[] norms, int count, int d, DistanceTiles tiles) {
        loadQueries(queries, d);
        if (rowView == null || rowView.address() != rows.address()) {
            rowView = new FloatPointer(rows);
        }
        multiply(queries.count(), rowView, norms, count, d, tiles);
    }

    private void loadQueries(RowBlock queries, int d) {
        queryRows.fill(queries.rows(), queries.offset(), queries.length(d));
        queryNorms = norms(queries, d, queryNorms);
    }

    /** The tiles of the loaded queries against {@code points}, whose position it moves. */
    private void multiply(
            int queryCount, FloatPointer points, float[] norms, int pointCount, int d,
            DistanceTiles tiles) {
        int width = CheckedDistances.cacheTilePoints(queryCount, pointCount);
        product.reserve(queryCount * width);
        if (tile.length < queryCount * width) {
            tile = new float[queryCount * width];
        }
        for (int p0 = 0; p0 < pointCount; p0 += width) {
            int count = Math.min(width, pointCount - p0);
            points.position((long) p0 * d);
            // alpha = -2 is an exact scaling, so the product carries only the inner product's error.
            openblas.cblas_sgemm(
                    openblas.CblasRowMajor,
                    openblas.CblasNoTrans,
                    openblas.CblasTrans,
                    queryCount,
                    count,
                    d,
                    -2f,
                    queryRows.pointer,
                    d,
                    points,
                    d,
                    0f,
                    product.pointer,
                    count);
            product.floats.get(0, tile, 0, queryCount * count);
            for (int i = 0; i < queryCount; i++) {
                float queryNorm = queryNorms[i];
                int row = i * count;
                for (int j = 0; j < count; j++) {
                    tile[row + j] = (queryNorm + norms[p0 + j]) + tile[row + j];
                }
            }
            tiles.tile(p0, count, tile);
        }
    }

    @Override
    public void close() {
        queryRows.close();
        pointRows.close();
        product.close();
        pointView = null;
        rowView = null;
    }

    static float[] norms(RowBlock block, int dimension, float[] norms) {
        int count = block.count();
        float[] result = norms.length >= count ? norms : new float[count];
        for (int i = 0; i < count; i++) {
            int start = block.rowStart(i, dimension);
            result[i] = (float) SquaredNorms.of(block.rows(), start, dimension);
        }
        return result;
    }

    /** A native float buffer that grows to the largest use and is reused. */
    private static final class NativeRows {
        FloatPointer pointer;
        FloatBuffer floats;

        /** Room for {@code length} floats; true when the buffer was replaced. */
        boolean reserve(int length) {
            if (pointer != null && pointer.capacity() >= length) {
                return false;
            }
            close();
            pointer = new FloatPointer(Math.max(1L, length));
            // Zeroed: with beta = 0 BLAS never reads the product, but a GEMM computing beta * C
            // would turn uninitialised NaN bits into NaN results.
            pointer.zero();
            floats = pointer.asBuffer();
            return true;
        }

        /** Copies {@code rows[offset, offset + length)} in; true when the buffer was replaced. */
        boolean fill(float[] rows, int offset, int length) {
            boolean replaced = reserve(length);
            floats.put(0, rows, offset, length);
            return replaced;
        }

        void close() {
            if (pointer != null) {
                pointer.close();
                pointer = null;
                floats = null;
            }
        }
    }
}
