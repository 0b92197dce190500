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
 * <p>Per call the query and point rows are copied into off-heap buffers that grow to the largest
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
final class Nd4jCpuBackend extends CheckedBackend {

    static final String NAME = "nd4j-cpu";

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
    private boolean closed;

    Nd4jCpuBackend() {
        super(NAME);
        // Touching the backend here loads the natives now, so a missing or broken ND4J install
        // fails when the backend is created rather than on the first batch.
        Nd4j.getBackend();
    }

    @Override
    void computeSquaredDistances(RowBlock queries, RowBlock points, int dimension, float[] out) {
        if (closed) {
            throw new IllegalStateException("backend " + NAME + " is closed");
        }
        int queryCount = queries.count();
        int pointCount = points.count();
        if (queryCount == 0 || pointCount == 0) {
            return;
        }
        int queryLength = queries.length(dimension);
        int pointLength = points.length(dimension);
        int productLength = queryCount * pointCount;
        ensureCapacity(queryLength, pointLength, productLength);
        queryFloats.put(0, queries.rows(), queries.offset(), queryLength);
        pointFloats.put(0, points.rows(), points.offset(), pointLength);
        queryNorms = norms(queries, dimension, queryNorms);
        pointNorms = norms(points, dimension, pointNorms);

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

    @Override
    public double errorBound(int dimension) {
        return ComputeBackend.gamma(dimension + 5);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
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

    private static DataBuffer newBuffer(int length) {
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

    private static float[] norms(RowBlock block, int dimension, float[] norms) {
        int count = block.count();
        float[] result = norms.length >= count ? norms : new float[count];
        for (int i = 0; i < count; i++) {
            int start = block.rowStart(i, dimension);
            result[i] = (float) SquaredNorms.of(block.rows(), start, dimension);
        }
        return result;
    }

    private static void release(DataBuffer buffer) {
        if (buffer != null && buffer.closeable()) {
            buffer.close();
        }
    }
}
