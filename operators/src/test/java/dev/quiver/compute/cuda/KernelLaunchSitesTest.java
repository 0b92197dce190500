package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.FlatForest;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

/**
 * Every launch site of the {@code cuda} backend, without a device: each builds its launch from
 * plain values through the same package-private method the backend calls, and the launch must fit
 * its kernel's declaration in quiver_kernels.cu ({@link KernelSignatures}: argument count, order
 * and kinds, grid, blocks, dynamic shared memory), for every variant the backend launches. Device
 * addresses here are made-up numbers: nothing is dereferenced. Together the sites must cover every
 * kernel but those no Java code launches.
 */
class KernelLaunchSitesTest {

    /** Kernels in quiver_kernels.cu that no launch site uses (direct distances: cuBLAS's instead). */
    private static final Set<String> UNLAUNCHED = Set.of("quiver_squared_distances");

    private static final long BASE = 1L << 40;

    /** The kernels this test's launches fitted. */
    private final Set<String> launched = new TreeSet<>();

    @Test
    void everyKernelHasALaunchSite() {
        rowNormsAndCompaction();
        gemmDistancesOverTheLargestTile();
        topKInOnePassAndInChunksWithAMergePass();
        treeMarginsOverAForestImage();
        everyWalkLawAndItsReduction();
        Set<String> expected = new TreeSet<>(KernelSignatures.bundled().kernels().keySet());
        expected.removeAll(UNLAUNCHED);
        assertThat(launched).isEqualTo(expected);
    }

    @Test
    void rowNormsAndCompaction() {
        fits(DeviceRows.rowNorms(BASE, 1000, 128, BASE + 512_000));
        fits(CudaPointBlock.gatherRows(BASE, BASE + 1, BASE + 2, 999, 128, BASE + 3, BASE + 4));
    }

    @Test
    void gemmDistancesOverTheLargestTile() {
        // A tile's queries are the grid's rows: never more than a device allows.
        int count = CudaDistanceKernel.tileQueries(1_000_000, 1);
        assertThat(count).isEqualTo(KernelSignature.MAX_GRID_Y);
        fits(CudaDistanceKernel.gemmDistances(BASE, count, BASE + 1, 0, 1, BASE + 2));
        fits(CudaDistanceKernel.gemmDistances(BASE, 10, BASE + 1, BASE + 3, 1_000_000, BASE + 2));
        assertThat(CudaDistanceKernel.tileQueries(10_000, 1_000_000)).isEqualTo(67);
    }

    @Test
    void topKInOnePassAndInChunksWithAMergePass() {
        for (int k : new int[] {1, 10, 256, 257, DeviceTopK.DEVICE_TOP_K}) {
            int width = DeviceTopK.width(k);
            // One pass: a block a query over live flags.
            fits(DeviceTopK.topK(BASE, 0, BASE + 1, 5000, 5000, 1, 2048, k, width, BASE + 2,
                    BASE + 3));
            // One query over a long row: chunks in x, then a merge of their k best with slots.
            int n = 1_000_000;
            int length = DeviceTopK.chunkLength(1, n, width);
            int chunks = (n + length - 1) / length;
            assertThat(chunks).as("k = %d", k).isGreaterThan(1);
            fits(DeviceTopK.topK(BASE, 0, 0, n, length, chunks, 1, k, width, BASE + 2, BASE + 3));
            fits(DeviceTopK.topK(BASE + 2, BASE + 3, 0, chunks * k, chunks * k, 1, 1, k, width,
                    BASE + 4, BASE + 5));
        }
    }

    @Test
    void treeMarginsOverAForestImage() {
        // Two stumps in two groups (FlatForest's example, twice): no part a multiple of 256 bytes.
        float nan = Float.NaN;
        FlatForest forest = new FlatForest(3, new float[] {0f, 0.5f}, true,
                new int[] {0, 0, 0, 2, 0, 0}, new float[] {0.5f, nan, nan, 1f, nan, nan},
                new int[] {1, 0, 1, 4, 3, 4}, new int[] {2, 1, 2, 5, 4, 5},
                new byte[] {0, 0, 0, 1, 0, 0}, new float[] {0f, -1f, 1f, 0f, 2f, 3f},
                new int[] {0, 3}, new int[] {1, 1}, new int[] {0, 1}, new boolean[] {true, true});
        DeviceForest.Image image = DeviceForest.image(forest);
        long[] parts = image.parts();
        long[] sizes = DeviceForest.partSizes(forest);
        assertThat(parts).hasSize(9);
        for (int i = 0; i < parts.length; i++) {
            assertThat(parts[i] % 256).as("part %d aligned", i).isZero();
            long end = i + 1 < parts.length ? parts[i + 1] : image.bytes().capacity();
            assertThat(end - parts[i]).as("room of part %d", i).isGreaterThanOrEqualTo(sizes[i]);
        }
        fits(DeviceForest.treeMargins(BASE, 10_000, forest.featureCount(), BASE + (1L << 20),
                parts, forest.treeCount(), forest.marginCount(), BASE + (1L << 21)));
    }

    @Test
    void everyWalkLawAndItsReduction() {
        long[] ranks = {1, 500, 1000};
        for (boolean track : new boolean[] {false, true}) {
            for (boolean barrier : new boolean[] {false, true}) {
                CudaWalkPaths.Shape shape =
                        new CudaWalkPaths.Shape(100, 1000, ranks, track, barrier, 3);
                walk(CudaWalkPaths.fairLaw(shape), shape);
                walk(CudaWalkPaths.latticeLaw(shape, 1L << 31, 3L << 30), shape);
                walk(CudaWalkPaths.continuousLaw(shape, 0.1, 2, Double.NaN), shape);
                walk(CudaWalkPaths.continuousLaw(shape, 0.1, 2, 3.5), shape);
            }
        }
    }

    @Test
    void walkLawsWriteWhatTheirKernelsStoreAPath() {
        CudaWalkPaths.Shape finals = new CudaWalkPaths.Shape(10, 10, new long[0], false, false, 0);
        CudaWalkPaths.Shape paths = new CudaWalkPaths.Shape(10, 10, new long[0], true, true, 2);
        // An int final; five ints (position, maximum, passage, return, above); a double final;
        // two doubles (final, maximum) and three ints.
        assertThat(CudaWalkPaths.fairLaw(finals).pathBytes()).isEqualTo(4);
        assertThat(CudaWalkPaths.fairLaw(paths).pathBytes()).isEqualTo(5 * 4);
        assertThat(CudaWalkPaths.latticeLaw(paths, 1, 2).pathBytes()).isEqualTo(5 * 4);
        assertThat(CudaWalkPaths.continuousLaw(finals, 0, 1, 2).pathBytes()).isEqualTo(8);
        assertThat(CudaWalkPaths.continuousLaw(paths, 0, 1, 2).pathBytes()).isEqualTo(2 * 8 + 3 * 4);
    }

    private void walk(CudaWalkPaths.Law law, CudaWalkPaths.Shape shape) {
        int n = 1000;
        fits(law.launch(42L, BASE, n, BASE + (1L << 30)));
        CudaWalkPaths.Outputs out = new CudaWalkPaths.Outputs(BASE + (2L << 30), shape, n, 50);
        if (law.kernel().contains("continuous")) {
            fits(CudaWalkPaths.reduceContinuous(BASE + (1L << 30), n, shape, BASE,
                    BASE + (3L << 30), out));
        } else {
            fits(CudaWalkPaths.reduceLattice(BASE + (1L << 30), law.pathBytes() / 4, n, shape, 50,
                    BASE, BASE + (3L << 30), out));
        }
    }

    private void fits(KernelLaunch launch) {
        try (launch) {
            KernelSignatures.bundled().check(launch);
            launched.add(launch.kernel());
        }
    }
}
