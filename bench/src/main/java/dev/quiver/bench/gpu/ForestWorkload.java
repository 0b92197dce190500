package dev.quiver.bench.gpu;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;
import dev.quiver.ensemble.EnsembleModels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.quiver.bench.gpu.ReportTable.seconds;
import static dev.quiver.bench.gpu.ReportTable.si;
import static dev.quiver.bench.gpu.ReportTable.times;
import static dev.quiver.bench.gpu.ReportTable.yesNo;

/**
 * Workload (c): tree-ensemble margins through {@link ForestKernel#score} for the oracle benchmark
 * model ({@code xgb_synth_d6_100t.json}: 100 trees of depth 6 on 30 features) over its 100,000
 * oracle rows repeated to {@code rows}: rows per second on the GPU and on the java backend, margins
 * compared bit for bit on the rows the java backend scores, and device memory bandwidth as the
 * roofline (each row's 30 floats read once and its margin written once).
 */
final class ForestWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(ForestWorkload.class);

    static final String MODEL = "xgb_synth_d6_100t.json";
    static final String ROWS = "xgb_synth_rows_100k.f32";
    private static final double TARGET = 2e8;
    private static final int REPEATS = 5;

    private final Path oracles;
    private final int rows;
    private final int cpuRows;

    ForestWorkload(Path oracles, int rows, int cpuRows) {
        this.oracles = oracles;
        this.rows = rows;
        this.cpuRows = cpuRows;
    }

    ReportTable run(ComputeBackend gpu, ComputeBackend cpu, double deviceBandwidth,
            double hostToDevice, TimeBox box) throws IOException {
        FlatForest forest =
                EnsembleModels.fromXgboost(Files.readAllBytes(oracles.resolve(MODEL))).flatView();
        int features = forest.featureCount();
        ReportTable table = new ReportTable(String.format(
                "(c) Trees: %d trees, depth %d, %d features, %,d rows", forest.treeCount(),
                Arrays.stream(forest.treeDepth()).max().orElse(0), features, rows));
        table.servedBy("forests", gpu.forests().backend(), gpu.name());
        float[] data = repeat(readRows(features), rows * features);
        int margins = forest.marginCount();

        float[] gpuMargins = new float[rows * margins];
        double gpuSeconds;
        try (ForestHandle handle = gpu.forests().load(forest)) {
            gpuSeconds = median(gpu.forests(), handle, data, rows, gpuMargins, box.remaining() * 0.6);
        }
        float[] cpuMargins = new float[cpuRows * margins];
        double cpuSeconds;
        try (ForestHandle handle = cpu.forests().load(forest)) {
            cpuSeconds = median(cpu.forests(), handle, data, cpuRows, cpuMargins, box.remaining());
        }
        double gpuRate = rows / gpuSeconds;
        double cpuRate = cpuRows / cpuSeconds;
        LOG.info("trees: {} rows/s on {}, {} rows/s on {}", si(gpuRate), gpu.name(), si(cpuRate),
                cpu.name());

        long bytesPerRow = (long) features * Float.BYTES + (long) margins * Float.BYTES;
        String roofline = "not measured";
        String ratio = "";
        if (deviceBandwidth > 0) {
            double ceiling = deviceBandwidth / bytesPerRow;
            roofline = si(ceiling) + " rows/s (" + si(deviceBandwidth) + "B/s device memory)";
            ratio = "achieved " + String.format("%.1f%%", 100 * gpuRate / ceiling);
        }
        table.row("rows/s", si(gpuRate), si(cpuRate), roofline, ratio,
                ">= " + si(TARGET) + " rows/s", yesNo(gpuRate >= TARGET));
        table.row("GPU/CPU", "", "", "", times(gpuRate / cpuRate), "", "");
        if (hostToDevice > 0) {
            table.row("rows/s if every row crosses PCIe", "", "",
                    si(hostToDevice / (features * Float.BYTES)) + " rows/s (" + si(hostToDevice)
                            + "B/s pinned host to device)", "", "", "");
        }
        String difference = firstDifference(gpuMargins, cpuMargins, cpuRows * margins);
        table.check("margins vs java on the first " + cpuRows + " rows",
                difference == null ? "bit-identical" : difference, "reference", "bit-identical",
                difference == null);
        table.note(String.format("GPU: median of up to %d score() calls over all %,d rows (%s each;"
                        + " rows copied in and margins out included, load() not). CPU: the java"
                        + " backend on this machine, one thread, first %,d rows, median of up to"
                        + " %d calls.", REPEATS, rows, seconds(gpuSeconds), cpuRows, REPEATS));
        table.note("Rows: the oracle's " + ROWS + " repeated; the model " + MODEL + " ("
                + forest.treeCount() + " trees, " + forest.nodeCount() + " nodes). Roofline: a"
                + " device-to-device copy's bandwidth (read plus written) over " + bytesPerRow
                + " bytes per row (features read once, margin written once).");
        return table;
    }

    /** Median seconds of up to {@link #REPEATS} calls after a warm-up, as time allows. */
    private static double median(ForestKernel kernel, ForestHandle handle, float[] data, int count,
            float[] out, double seconds) {
        int features = handle.featureCount();
        int warm = Math.min(count, 1000);
        kernel.score(handle, data, warm, features, new float[warm * handle.marginCount()]);
        TimeBox box = TimeBox.of(seconds);
        double[] times = new double[REPEATS];
        int done = 0;
        while (done < REPEATS && (done == 0 || box.fits(times[done - 1]))) {
            long start = System.nanoTime();
            kernel.score(handle, data, count, features, out);
            times[done++] = TimeBox.since(start);
        }
        double[] taken = Arrays.copyOf(times, done);
        Arrays.sort(taken);
        return taken[done / 2];
    }

    private float[] readRows(int features) throws IOException {
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(oracles.resolve(ROWS)))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[raw.remaining() / Float.BYTES];
        raw.asFloatBuffer().get(out);
        if (out.length % features != 0) {
            throw new IOException(ROWS + " holds " + out.length + " floats, not rows of "
                    + features);
        }
        return out;
    }

    private static float[] repeat(float[] source, int length) {
        float[] out = new float[length];
        for (int at = 0; at < length; at += source.length) {
            System.arraycopy(source, 0, out, at, Math.min(source.length, length - at));
        }
        return out;
    }

    private static String firstDifference(float[] a, float[] b, int count) {
        for (int i = 0; i < count; i++) {
            if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
                return "margin " + i + ": " + a[i] + " vs " + b[i];
            }
        }
        return null;
    }
}
