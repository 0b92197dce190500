package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendFailureException;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.LoadedForest;

import org.bytedeco.javacpp.BytePointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A {@link FlatForest} on the device, in the layout {@code quiver_tree_margins} reads: one device
 * allocation holding, 256-byte aligned, the per-node feature, threshold, left child, default-left
 * flag and value, the per-tree root, depth and group, and the base margins. The kernel takes the
 * right child as {@code left + 1}, which {@code TreeEnsemble}'s layout (and its padded trees)
 * guarantee; a forest that breaks it is refused, so the registry scores it on the CPU instead.
 */
final class DeviceForest extends LoadedForest {

    private static final int ALIGN = 256;

    private final CudaForestKernel kernel;
    private final CudaStream stream;
    private final int treeCount;
    private final boolean acceptsMissing;
    private final long[] parts;
    private final long bytes;
    private long address;

    DeviceForest(CudaForestKernel kernel, CudaStream stream, FlatForest forest) {
        super(forest);
        for (int n = 0; n < forest.nodeCount(); n++) {
            if (forest.right()[n] != forest.left()[n] + 1) {
                throw new BackendFailureException(
                        "node " + n + " has right child " + forest.right()[n] + ", not left + 1");
            }
        }
        this.kernel = kernel;
        this.stream = stream;
        this.treeCount = forest.treeCount();
        this.acceptsMissing = forest.acceptsMissing();
        Image layout = image(forest);
        ByteBuffer image = layout.bytes();
        parts = layout.parts();
        bytes = image.capacity();
        PinnedBuffer staging = stream.staging(bytes);
        byte[] copy = new byte[(int) bytes];
        image.get(0, copy);
        staging.view(0, BytePointer::new).put(copy, 0, copy.length);
        address = stream.alloc(bytes, "forest of " + treeCount + " trees");
        stream.upload(0, address, bytes);
        stream.sync();
    }

    /**
     * The forest's arrays in one little-endian image, and each array's offset in it: feature,
     * threshold, left, default left, value, tree root, depth and group, base margins.
     */
    record Image(ByteBuffer bytes, long[] parts) {}

    /** The bytes of each part of the image of {@code f}, in {@link Image#parts}'s order. */
    static long[] partSizes(FlatForest f) {
        int nodes = f.nodeCount();
        int trees = f.treeCount();
        return new long[] {
            4L * nodes, 4L * nodes, 4L * nodes, nodes, 4L * nodes,
            4L * trees, 4L * trees, 4L * trees, 4L * f.marginCount()
        };
    }

    /** The image of {@code f}, each part {@value #ALIGN}-byte aligned. */
    static Image image(FlatForest f) {
        long[] sizes = partSizes(f);
        long[] parts = new long[sizes.length];
        long end = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = end;
            end += (sizes[i] + ALIGN - 1) / ALIGN * ALIGN;
        }
        if (end > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a forest of " + end + " bytes is too large");
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.max(end, 1)).order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) parts[0]).asIntBuffer().put(f.feature());
        b.position((int) parts[1]).asFloatBuffer().put(f.threshold());
        b.position((int) parts[2]).asIntBuffer().put(f.left());
        b.position((int) parts[3]);
        b.put(f.defaultLeft());
        b.position((int) parts[4]).asFloatBuffer().put(f.value());
        b.position((int) parts[5]).asIntBuffer().put(f.treeRoot());
        b.position((int) parts[6]).asIntBuffer().put(f.treeDepth());
        b.position((int) parts[7]).asIntBuffer().put(f.treeGroup());
        b.position((int) parts[8]).asFloatBuffer().put(f.baseMargins());
        b.position(0);
        return new Image(b, parts);
    }

    /** quiver_tree_margins over {@code rowCount} rows at {@code rows} into {@code margins}. */
    KernelLaunch treeMargins(long rows, int rowCount, long margins) {
        return treeMargins(
                rows, rowCount, featureCount(), address, parts, treeCount, marginCount(), margins);
    }

    /**
     * quiver_tree_margins, one thread a row, over a forest image at device address {@code forest}
     * whose parts start at {@code parts} ({@link Image}).
     */
    static KernelLaunch treeMargins(
            long rows, int rowCount, int featureCount, long forest, long[] parts, int treeCount,
            int marginCount, long margins) {
        KernelArgs args = new KernelArgs().address(rows).i32(rowCount).i32(featureCount);
        for (int i = 0; i < 8; i++) {
            args.address(forest + parts[i]);
        }
        args.i32(treeCount).address(forest + parts[8]).i32(marginCount).address(margins);
        return KernelLaunch.overThreads("quiver_tree_margins", rowCount, args);
    }

    boolean loadedBy(CudaForestKernel candidate) {
        return kernel == candidate && address != 0;
    }

    boolean acceptsMissing() {
        return acceptsMissing;
    }

    @Override
    public void close() {
        if (address != 0) {
            stream.makeCurrent();
            stream.free(address, bytes);
            address = 0;
        }
    }
}
