package dev.quiver.compute.cuda;

import static dev.quiver.compute.cuda.CudaException.checkBlas;

import dev.quiver.compute.BackendCounters;
import dev.quiver.compute.CheckedDistances;
import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.RowBlock;
import dev.quiver.compute.SlotBlock;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;

import java.util.Arrays;

/**
 * Distances on the GPU: {@code |q - x|^2 = (|q|^2 + |x|^2) - 2 q.x}, all inner products of a tile
 * of queries in one cuBLAS SGEMM in {@code CUBLAS_PEDANTIC_MATH} (true FP32: no TF32, no reduced
 * precision reductions), squared norms summed in coordinate order on the device, negative results
 * clamped to 0, dead slots set to {@code +inf}. {@link #nearest} then keeps each query's top k
 * ({@link DeviceTopK}). A block's rows stay on the device ({@link CudaPointBlock}).
 *
 * <p>Error: cuBLAS's summation order is unknown (blocked, possibly split), and for any order the
 * inner product errs by at most {@code gamma_d sum |q_k x_k| <= gamma_d (|q|^2 + |x|^2) / 2}; the
 * norms, summed in order, by {@code gamma_d} of themselves; the two final operations add two
 * roundings. So {@code |out - D| <= (2 gamma_d + 3u) (|q|^2 + |x|^2) <= 2 gamma_{d+2} (|q|^2 +
 * |x|^2)}; {@link #errorBound} states {@code 2 gamma_{d+5}}, a margin over that, plus the {@code d
 * MIN_NORMAL} underflow term of the contract.
 */
final class CudaDistanceKernel extends CheckedDistances implements BackendCounters {

    /** The backend name. */
    static final String NAME = CudaBackendProvider.NAME;

    /** Entries of the distance matrix of one tile of queries: 64 Mi floats, 256 MiB. */
    private static final long TILE_ENTRIES = 1L << 26;

    private final CudaStream stream;
    private final DeviceRows queries;
    private final DeviceRows points;
    private final DeviceBuffer tile;
    private final DeviceTopK top;
    private final FloatPointer one = new FloatPointer(1f);
    private final FloatPointer zero = new FloatPointer(0f);

    CudaDistanceKernel(CudaStream stream) {
        super(NAME);
        this.stream = stream;
        queries = new DeviceRows(stream, "query");
        points = new DeviceRows(stream, "point");
        tile = new DeviceBuffer(stream, "distance tile");
        top = new DeviceTopK(stream);
        stream.begin();
        // Loads cuBLAS now, so that a missing libcublas fails the backend's open, not a batch.
        stream.blas();
    }

    @Override
    public double errorBound(int dimension) {
        return 2 * ComputeBackend.gamma(dimension + 5);
    }

    @Override
    protected SlotBlock newBlock(int dimension) {
        return new CudaPointBlock(dimension, this, stream);
    }

    @Override
    protected void computeSquaredDistances(
            RowBlock queryRows, RowBlock pointRows, int d, float[] out) {
        int m = queryRows.count();
        int n = pointRows.count();
        stream.begin();
        points.ensure(n, d);
        stream.staging(4L * n * d)
                .view(0, FloatPointer::new)
                .put(pointRows.rows(), pointRows.offset(), n * d);
        points.upload(0, n, d);
        stream.sync();
        int size = tileQueries(m, n);
        for (int first = 0; first < m; first += size) {
            int count = Math.min(size, m - first);
            distances(queryRows, first, count, d, points.rows(), points.norms(), 0, n);
            long bytes = 4L * count * n;
            stream.download(tile.address(), 0, bytes);
            stream.sync();
            stream.staging(bytes).view(0, FloatPointer::new).get(out, first * n, count * n);
        }
    }

    @Override
    protected void computeNearest(
            RowBlock queryRows, SlotBlock slots, int k, float[] outDistances, int[] outSlots) {
        CudaPointBlock block = (CudaPointBlock) slots;
        if (block.slotCount() == 0) {
            Arrays.fill(outSlots, 0, queryRows.count() * k, -1);
            Arrays.fill(outDistances, 0, queryRows.count() * k, Float.POSITIVE_INFINITY);
            return;
        }
        int m = queryRows.count();
        int n = block.slotCount();
        stream.begin();
        long live = block.liveFlags();
        int d = block.dimension();
        int size = tileQueries(m, n);
        for (int first = 0; first < m; first += size) {
            int count = Math.min(size, m - first);
            distances(queryRows, first, count, d, block.rows(), block.norms(), live, n);
            top.select(
                    tile.address(), live, count, n, k, block, first, outDistances, outSlots);
        }
    }

    /**
     * Queues the distances of queries {@code first .. first + count - 1} to the {@code n} rows at
     * {@code rows} into {@link #tile} ({@code count x n}, row-major), dead slots (by the flags at
     * {@code live}; 0 for none) at {@code +inf}, and waits for the queries' upload.
     */
    private void distances(
            RowBlock queryRows, int first, int count, int d, long rows, long rowNorms, long live,
            int n) {
        queries.ensure(count, d);
        tile.ensure(4L * count * n);
        stream.staging(4L * count * d)
                .view(0, FloatPointer::new)
                .put(queryRows.rows(), queryRows.rowStart(first, d), count * d);
        queries.upload(0, count, d);
        // Column-major, the rows are a d x n matrix X and the queries d x count Q (leading
        // dimension d); X^T Q is n x count with leading dimension n: row-major count x n.
        checkBlas(
                cublas.cublasSgemm_v2(
                        stream.blas(), cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N, n, count, d, one,
                        NativeAddress.floatsAt(rows), d,
                        NativeAddress.floatsAt(queries.rows()), d, zero,
                        NativeAddress.floatsAt(tile.address()), n),
                "cublasSgemm(" + n + " x " + count + " x " + d + ")");
        try (KernelLaunch launch =
                gemmDistances(queries.norms(), count, rowNorms, live, n, tile.address())) {
            stream.launch(launch);
        }
        // The staging buffer holds the queries until their upload has run.
        stream.sync();
    }

    /**
     * quiver_gemm_distances over the {@code count x n} inner products at {@code dots}, in place:
     * x over the points, y over the queries.
     */
    static KernelLaunch gemmDistances(
            long queryNorms, int count, long pointNorms, long live, int n, long dots) {
        KernelArgs args =
                new KernelArgs()
                        .address(queryNorms)
                        .i32(count)
                        .address(pointNorms)
                        .address(live)
                        .i32(n)
                        .address(dots);
        return new KernelLaunch(
                "quiver_gemm_distances", CudaStream.blocks(n), count, CudaStream.THREADS, 1, 0,
                args);
    }

    /**
     * Queries per tile: the distance tile stays within {@link #TILE_ENTRIES}, and its queries
     * within the 65,535 blocks a grid may have in y.
     */
    static int tileQueries(int m, int n) {
        return (int) Math.max(1, Math.min(Math.min(m, 65_535), TILE_ENTRIES / n));
    }

    /** Device memory of this kernel's stream: its scratch and every block's rows. */
    @Override
    public long deviceMemoryBytes() {
        return stream.deviceBytes();
    }

    @Override
    protected void release() {
        stream.makeCurrent();
        queries.free();
        points.free();
        tile.free();
        top.free();
        one.close();
        zero.close();
        stream.close();
    }
}
