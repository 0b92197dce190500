package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendCounters;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;
import dev.quiver.compute.ReleasedOnce;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Forests on the GPU: {@link #load} copies a {@link FlatForest} to the device once (per model
 * version: the handle is closed on a hot swap and its memory freed), and {@link #score} copies a
 * block of rows up, runs {@code quiver_tree_margins} (one thread a row, every tree in tree order,
 * float32 additions without fused multiply-adds: {@code TreeEnsemble.score}'s margins, bit for bit)
 * and copies the margins back. Rows holding NaN are refused here, before the device, for a forest
 * without a missing-value rule, as the Java kernel refuses them.
 */
final class CudaForestKernel extends ReleasedOnce implements ForestKernel, BackendCounters {

    private final CudaStream stream;
    private final DeviceBuffer rows;
    private final DeviceBuffer margins;

    CudaForestKernel(CudaStream stream) {
        super("backend cuda's forests");
        this.stream = stream;
        this.rows = new DeviceBuffer(stream, "forest rows");
        this.margins = new DeviceBuffer(stream, "forest margins");
    }

    @Override
    public String backend() {
        return CudaBackendProvider.NAME;
    }

    @Override
    public long deviceMemoryBytes() {
        return stream.deviceBytes();
    }

    @Override
    public ForestHandle load(FlatForest forest) {
        checkOpen();
        stream.begin();
        return new DeviceForest(this, stream, forest);
    }

    @Override
    public void score(
            ForestHandle forest, float[] rowValues, int rowCount, int featureCount,
            float[] outMargins) {
        checkOpen();
        if (!(forest instanceof DeviceForest loaded) || !loaded.loadedBy(this)) {
            throw new IllegalArgumentException("the forest was loaded by another kernel");
        }
        ForestKernel.checkScoreArguments(loaded, rowValues, rowCount, featureCount, outMargins);
        if (!loaded.acceptsMissing()) {
            for (int i = 0; i < rowCount * featureCount; i++) {
                if (Float.isNaN(rowValues[i])) {
                    throw new IllegalArgumentException(
                            "a row holds NaN and the model has no rule for missing values");
                }
            }
        }
        if (rowCount == 0) {
            return;
        }
        stream.begin();
        int marginCount = loaded.marginCount();
        long rowBytes = 4L * rowCount * featureCount;
        long marginBytes = 4L * rowCount * marginCount;
        rows.ensure(rowBytes);
        margins.ensure(marginBytes);
        PinnedBuffer staging = stream.staging(Math.max(rowBytes, marginBytes));
        staging.view(0, FloatPointer::new).put(rowValues, 0, rowCount * featureCount);
        stream.upload(0, rows.address(), rowBytes);
        try (KernelLaunch launch =
                loaded.treeMargins(rows.address(), rowCount, margins.address())) {
            stream.launch(launch);
        }
        // The download reuses the staging buffer: the stream runs the upload before it.
        stream.download(margins.address(), 0, marginBytes);
        stream.sync();
        staging.view(0, FloatPointer::new).get(outMargins, 0, rowCount * marginCount);
    }

    @Override
    protected void release() {
        stream.makeCurrent();
        rows.free();
        margins.free();
        stream.close();
    }
}
