package dev.quiver.bench.gpu;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.DistanceKernel;
import dev.quiver.compute.PointBlock;
import dev.quiver.compute.RowBlock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.quiver.bench.gpu.ReportTable.seconds;
import static dev.quiver.bench.gpu.ReportTable.si;
import static dev.quiver.bench.gpu.ReportTable.times;
import static dev.quiver.bench.gpu.ReportTable.yesNo;

/**
 * Workload (a): brute-force kNN through {@link DistanceKernel#nearest} on a {@link PointBlock} of
 * uniform random points, GPU against the java backend, with cuBLAS SGEMM of the same product as
 * the roofline. The java backend answers the first {@code cpuQueries} queries only (it is about
 * four orders of magnitude slower); its rate is per query, and its slots are the reference for
 * the GPU's on those queries.
 */
final class KnnWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(KnnWorkload.class);

    /** The sizes; {@link #FULL} is the report's. */
    record Size(int points, int dimension, int queries, int k, int cpuQueries, int sgemmChunk) {}

    static final Size FULL = new Size(1_000_000, 128, 10_000, 10, 200, 100_000);

    private static final double TARGET_VS_SGEMM = 1.5;
    private static final double TARGET_VS_CPU = 100;

    private final Size size;
    private final boolean measureRoofline;

    KnnWorkload(Size size, boolean measureRoofline) {
        this.size = size;
        this.measureRoofline = measureRoofline;
    }

    /** What one backend answered: slots of the queries it did, and its time for them. */
    private record Answers(int[] slots, float[] distances, int queriesDone, double seconds) {
        double rate() {
            return queriesDone / seconds;
        }
    }

    ReportTable run(ComputeBackend gpu, ComputeBackend cpu, TimeBox box) {
        int n = size.points();
        int d = size.dimension();
        ReportTable table =
                new ReportTable(String.format("(a) kNN: n = %,d, d = %d, %,d queries, k = %d",
                        n, d, size.queries(), size.k()));
        table.servedBy("distances", gpu.distances().backend(), gpu.name());
        float[] points = uniform(20261207L, n, d);
        float[] queries = uniform(20261208L, size.queries(), d);

        long start = System.nanoTime();
        Answers onGpu;
        double upload;
        try (PointBlock block = gpu.distances().openPointBlock(d)) {
            block.append(points, 0, n);
            upload = TimeBox.since(start);
            onGpu = answer(gpu.distances(), block, queries, size.queries(), box.remaining() * 0.4);
        }
        LOG.info("kNN on {}: {} queries in {}", gpu.name(), onGpu.queriesDone(), seconds(onGpu.seconds()));
        Answers onCpu;
        try (PointBlock block = cpu.distances().openPointBlock(d)) {
            block.append(points, 0, n);
            onCpu = answer(cpu.distances(), block, queries, size.cpuQueries(), box.remaining() * 0.6);
        }
        LOG.info("kNN on {}: {} queries in {}", cpu.name(), onCpu.queriesDone(), seconds(onCpu.seconds()));

        double gpuFull = size.queries() / onGpu.rate();
        String roofline = "not measured";
        String ratio = "";
        String met = "";
        if (measureRoofline) {
            Rooflines.Sgemm sgemm =
                    Rooflines.sgemm(queries, size.queries(), points, n, d, size.sgemmChunk());
            roofline = String.format("SGEMM alone: %s queries/s (%s for the whole product)",
                    si(size.queries() / sgemm.seconds()), seconds(sgemm.seconds()));
            double overSgemm = gpuFull / sgemm.seconds();
            ratio = "total/SGEMM " + times(overSgemm);
            met = yesNo(overSgemm <= TARGET_VS_SGEMM);
            table.note("Roofline: cuBLAS " + sgemm.cublasVersion() + " SGEMM (float32, default math"
                    + " mode, no TF32) of the " + size.queries() + " x " + n + " x " + d
                    + " product in chunks of " + size.sgemmChunk() + " points, timed with CUDA"
                    + " events, median of 7 after a warm-up.");
        }
        table.row("queries/s", si(onGpu.rate()), si(onCpu.rate()), roofline, ratio,
                "total/SGEMM <= " + TARGET_VS_SGEMM + "x", met);
        double speedup = onGpu.rate() / onCpu.rate();
        table.row("GPU/CPU", "", "", "", times(speedup), ">= " + (int) TARGET_VS_CPU + "x",
                yesNo(speedup >= TARGET_VS_CPU));
        agreement(table, onGpu, onCpu, points, queries, gpu.errorBound(d) + cpu.errorBound(d));
        table.row("append " + n + " points to the block", seconds(upload), "", "", "", "", "");
        table.note(String.format("GPU: %,d queries answered in %s of wall-clock time in nearest()"
                        + " calls (query upload and result copy included, point upload not)%s.",
                onGpu.queriesDone(), seconds(onGpu.seconds()),
                onGpu.queriesDone() < size.queries()
                        ? "; the time box ended it early, so the rate is over those queries"
                        : ""));
        table.note(String.format("CPU: the java backend on this machine's CPU, one thread (the"
                        + " backend is single-threaded), on the first %,d queries, scaled to a"
                        + " per-query rate. The 2-core build machine's CPU figures are in"
                        + " docs/benchmarks.md.", onCpu.queriesDone()));
        table.note("Points and queries: uniform in [-1, 1), seeds 20261207 and 20261208.");
        return table;
    }

    /** Answers the first queries in batches until {@code wanted} are done or time runs out. */
    private Answers answer(DistanceKernel kernel, PointBlock block, float[] queries, int wanted,
            double seconds) {
        int d = size.dimension();
        int k = size.k();
        int[] slots = new int[wanted * k];
        float[] distances = new float[wanted * k];
        // Warm-up: module load, scratch allocation, first transfers stay out of the figure.
        int warm = Math.min(4, wanted);
        kernel.nearest(new RowBlock(queries, 0, warm), block, k, new float[warm * k], new int[warm * k]);
        TimeBox box = TimeBox.of(seconds);
        int done = 0;
        int batch = Math.min(wanted, Math.max(1, size.cpuQueries() / 20));
        double spent = 0;
        while (done < wanted) {
            int count = Math.min(batch, wanted - done);
            float[] outDistances = new float[count * k];
            int[] outSlots = new int[count * k];
            long start = System.nanoTime();
            kernel.nearest(new RowBlock(queries, done * d, count), block, k, outDistances, outSlots);
            double took = TimeBox.since(start);
            System.arraycopy(outSlots, 0, slots, done * k, count * k);
            System.arraycopy(outDistances, 0, distances, done * k, count * k);
            done += count;
            spent += took;
            double perQuery = spent / done;
            // Grow batches to a tenth of what remains, so that the GPU gets full-size calls.
            batch = (int) Math.max(1, Math.min(wanted - done, Math.max(batch, (wanted - done) / 10)));
            if (!box.fits(perQuery * Math.min(batch, wanted - done))) {
                break;
            }
        }
        return new Answers(slots, distances, done, spent);
    }

    /**
     * Slots must agree exactly; where they do not, the row says whether the two answers differ
     * only within the kernels' stated error bounds (a near-tie in float32), which is not a bug.
     */
    private void agreement(ReportTable table, Answers gpu, Answers cpu, float[] points,
            float[] queries, double boundCoefficient) {
        int k = size.k();
        int d = size.dimension();
        int compared = Math.min(gpu.queriesDone(), cpu.queriesDone());
        int identical = 0;
        int withinBound = 0;
        for (int q = 0; q < compared; q++) {
            int[] a = Arrays.copyOfRange(gpu.slots(), q * k, (q + 1) * k);
            int[] b = Arrays.copyOfRange(cpu.slots(), q * k, (q + 1) * k);
            if (Arrays.equals(a, b)) {
                identical++;
            } else if (tiesWithinBound(a, b, points, queries, q, d, boundCoefficient)) {
                withinBound++;
            }
        }
        String gpuCell = identical + " of " + compared + " queries identical"
                + (withinBound > 0 ? ", " + withinBound + " differ only within the error bound" : "");
        table.check("exact neighbour ids vs java", gpuCell, "reference", "all identical",
                compared > 0 && identical + withinBound == compared);
        if (withinBound > 0) {
            table.note(withinBound + " queries list different slots whose exact distances agree"
                    + " within the kernels' stated error bounds (float32 near-ties).");
        }
    }

    /** Whether the j-th exact distances of the two answers agree within the error bounds. */
    private static boolean tiesWithinBound(int[] a, int[] b, float[] points, float[] queries,
            int q, int d, double coefficient) {
        double[] da = new double[a.length];
        double[] db = new double[b.length];
        double maxNorm = 0;
        for (int j = 0; j < a.length; j++) {
            if (a[j] < 0 || b[j] < 0) {
                return false;
            }
            da[j] = exact(points, a[j], queries, q, d);
            db[j] = exact(points, b[j], queries, q, d);
            maxNorm = Math.max(maxNorm, Math.max(norm(points, a[j], d), norm(points, b[j], d)));
        }
        Arrays.sort(da);
        Arrays.sort(db);
        double bound = coefficient * (norm(queries, q, d) + maxNorm + d * (double) Float.MIN_NORMAL);
        for (int j = 0; j < da.length; j++) {
            if (Math.abs(da[j] - db[j]) > bound) {
                return false;
            }
        }
        return true;
    }

    private static double exact(float[] points, int p, float[] queries, int q, int d) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
            double diff = (double) points[p * d + i] - queries[q * d + i];
            sum += diff * diff;
        }
        return sum;
    }

    private static double norm(float[] rows, int r, int d) {
        double sum = 0;
        for (int i = 0; i < d; i++) {
            double x = rows[r * d + i];
            sum += x * x;
        }
        return sum;
    }

    private static float[] uniform(long seed, int rows, int d) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[rows * d];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }
}
