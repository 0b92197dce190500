package dev.quiver.ensemble;

import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;
import dev.quiver.compute.ForestKernel;
import dev.quiver.compute.LoadedForest;
import dev.quiver.compute.PlainJavaProvider;

/**
 * The {@code java} backend's forests: {@link TreeEnsemble}'s own scoring loop ({@link
 * ForestWalker}) over a {@link FlatForest}, so its margins are {@link TreeEnsemble#score}'s, bit
 * for bit. Loading computes the order keys and the split masks' slots once, with the forest's
 * mask scratch; scoring allocates nothing once the row scratch has grown to the widest forest. Not
 * thread-safe.
 *
 * <pre>{@code
 * try (JavaForestKernel kernel = new JavaForestKernel();
 *         ForestHandle handle = kernel.load(model.flatView())) {
 *     float[] margins = new float[rowCount * model.marginCount()];
 *     kernel.score(handle, rows, rowCount, model.featureCount(), margins);
 * }
 * }</pre>
 */
public final class JavaForestKernel implements ForestKernel {

    /** The backend name this kernel reports. */
    public static final String BACKEND = PlainJavaProvider.NAME;

    private int[] keys = new int[0];
    private float[] sums = new float[0];

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public ForestHandle load(FlatForest forest) {
        return new Loaded(this, forest);
    }

    @Override
    public void score(
            ForestHandle forest, float[] rows, int rowCount, int featureCount, float[] outMargins) {
        if (!(forest instanceof Loaded loaded) || loaded.kernel != this) {
            throw new IllegalArgumentException("the forest was loaded by another kernel");
        }
        ForestKernel.checkScoreArguments(loaded, rows, rowCount, featureCount, outMargins);
        int marginCount = loaded.marginCount();
        int block = ForestWalker.BLOCK_ROWS;
        if (keys.length < block * featureCount) {
            keys = new int[block * featureCount];
        }
        if (sums.length < block * marginCount) {
            sums = new float[block * marginCount];
        }
        for (int start = 0; start < rowCount; start += block) {
            int count = Math.min(block, rowCount - start);
            loaded.walker.margins(rows, start, count, keys, sums, loaded.masks);
            System.arraycopy(sums, 0, outMargins, start * marginCount, count * marginCount);
        }
    }

    @Override
    public void close() {
        // Nothing to release: the kernel holds only Java scratch.
    }

    /** A forest with its order keys computed. */
    private static final class Loaded extends LoadedForest {
        private final JavaForestKernel kernel;
        private final ForestWalker walker;
        private final SplitMasks.Scratch masks;

        Loaded(JavaForestKernel kernel, FlatForest forest) {
            super(forest);
            this.kernel = kernel;
            this.walker = new ForestWalker(forest);
            this.masks = walker.newMaskScratch();
        }

        @Override
        public void close() {
            // The forest lives on the Java heap: the garbage collector frees it.
        }
    }
}
