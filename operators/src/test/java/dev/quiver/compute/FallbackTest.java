package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.ensemble.JavaForestProvider;
import dev.quiver.walk.JavaWalkProvider;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

/**
 * A backend on a device has the java backend behind each capability: a call that fails on the
 * device (a {@link BackendFailureException}, here from a fake device that also scribbles on its
 * outputs) is answered on the CPU with java's exact answer, and counted; bad arguments still fail.
 */
class FallbackTest {

    private final FailingDevice device = new FailingDevice();

    private ComputeBackend open() {
        List<BackendProvider> providers =
                List.of(
                        device.provider(),
                        new JavaDistancesProvider(),
                        new JavaWalkProvider(),
                        new JavaForestProvider());
        return ComputeBackends.open(FailingDevice.NAME, providers, 0);
    }

    @Test
    void theRegistryPutsJavaBehindEachCapabilityOfADeviceBackend() {
        try (ComputeBackend backend = open()) {
            assertThat(backend.distances()).isInstanceOf(FallbackDistances.class);
            assertThat(backend.walks()).isInstanceOf(FallbackWalks.class);
            assertThat(backend.forests()).isInstanceOf(FallbackForests.class);
            assertThat(backend.distances().backend()).isEqualTo(FailingDevice.NAME);
            assertThat(backend.fallbacks()).isZero();
        }
    }

    @Test
    void failedDistancesAreJavasAndCounted() {
        float[] queries = randomRows(3, 4, 1);
        float[] points = randomRows(5, 4, 2);
        float[] expected = new float[15];
        try (ComputeBackend java = ComputeBackends.java()) {
            java.squaredDistances(
                    new RowBlock(queries, 0, 3), new RowBlock(points, 0, 5), 4, expected);
        }
        try (ComputeBackend backend = open()) {
            float[] out = new float[15];
            backend.squaredDistances(
                    new RowBlock(queries, 0, 3), new RowBlock(points, 0, 5), 4, out);
            assertThat(out).containsExactly(expected);
            assertThat(backend.fallbacks()).isZero();
            device.failCalls = true;
            out = new float[15];
            backend.squaredDistances(
                    new RowBlock(queries, 0, 3), new RowBlock(points, 0, 5), 4, out);
            assertThat(out).containsExactly(expected);
            assertThat(backend.batches()).isEqualTo(2);
            assertThat(backend.fallbacks()).isEqualTo(1);
            assertThatThrownBy(
                            () ->
                                    backend.squaredDistances(
                                            new RowBlock(queries, 0, 3),
                                            new RowBlock(points, 0, 5),
                                            0,
                                            new float[15]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aFailedNearestIsAnsweredFromTheHostMirror() {
        float[] rows = randomRows(40, 3, 3);
        float[] queries = randomRows(4, 3, 4);
        try (ComputeBackend backend = open();
                ComputeBackend java = ComputeBackends.java();
                PointBlock block = backend.distances().openPointBlock(3);
                PointBlock reference = java.distances().openPointBlock(3)) {
            for (PointBlock b : new PointBlock[] {block, reference}) {
                b.append(rows, 0, 40);
                b.tombstone(5);
                b.tombstone(17);
                b.compact();
                b.append(rows, 0, 3);
            }
            int[] expectedSlots = new int[4 * 6];
            float[] expectedDistances = new float[4 * 6];
            java.distances()
                    .nearest(
                            new RowBlock(queries, 0, 4),
                            reference,
                            6,
                            expectedDistances,
                            expectedSlots);
            int[] slots = new int[4 * 6];
            float[] distances = new float[4 * 6];
            device.failCalls = true;
            backend.distances().nearest(new RowBlock(queries, 0, 4), block, 6, distances, slots);
            assertThat(slots).containsExactly(expectedSlots);
            assertThat(distances).containsExactly(expectedDistances);
            assertThat(backend.fallbacks()).isEqualTo(1);
            assertThat(block.version()).isEqualTo(reference.version());
        }
    }

    @Test
    void aBlockWhoseDeviceChangeFailsIsServedByItsMirrorFromThenOn() {
        float[] rows = randomRows(20, 2, 5);
        float[] query = {0.1f, -0.2f};
        try (ComputeBackend backend = open();
                ComputeBackend java = ComputeBackends.java();
                PointBlock block = backend.distances().openPointBlock(2);
                PointBlock reference = java.distances().openPointBlock(2)) {
            block.append(rows, 0, 10);
            reference.append(rows, 0, 10);
            device.failBlockChanges = true;
            assertThat(block.append(rows, 20, 10)).isEqualTo(10);
            reference.append(rows, 20, 10);
            assertThat(backend.fallbacks()).isEqualTo(1);
            device.failBlockChanges = false;
            block.tombstone(3);
            reference.tombstone(3);
            int[] slots = new int[5];
            float[] distances = new float[5];
            int[] expectedSlots = new int[5];
            float[] expectedDistances = new float[5];
            backend.distances().nearest(new RowBlock(query, 0, 1), block, 5, distances, slots);
            java.distances()
                    .nearest(
                            new RowBlock(query, 0, 1),
                            reference,
                            5,
                            expectedDistances,
                            expectedSlots);
            assertThat(slots).containsExactly(expectedSlots);
            assertThat(distances).containsExactly(expectedDistances);
            assertThat(backend.fallbacks()).isEqualTo(2);
            assertThat(block.liveCount()).isEqualTo(19);
            assertThatThrownBy(() -> block.tombstone(3))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void failedWalksAreJavasAndCounted() {
        WalkLaw law =
                new WalkLaw(
                        WalkLaw.Kind.GAUSSIAN,
                        Double.NaN,
                        0,
                        0.1,
                        1.0,
                        Double.NaN,
                        50,
                        200,
                        3.0,
                        true,
                        Long.MAX_VALUE);
        long[] keys = {7L, 8L};
        long[] sequences = {0L, 3L};
        double[] starts = {1.0, -2.0};
        WalkTallies expected = new WalkTallies(new double[] {0.5, 0.9});
        try (ComputeBackend java = ComputeBackends.java()) {
            java.walks().simulate(law, new WalkBatch(42L, keys, sequences, starts, 2), expected);
        }
        try (ComputeBackend backend = open()) {
            device.failCalls = true;
            WalkTallies out = new WalkTallies(new double[] {0.5, 0.9});
            backend.walks().simulate(law, new WalkBatch(42L, keys, sequences, starts, 2), out);
            for (int i = 0; i < 2; i++) {
                assertThat(out.mean(i)).isEqualTo(expected.mean(i));
                assertThat(out.variance(i)).isEqualTo(expected.variance(i));
                assertThat(out.quantile(i, 1)).isEqualTo(expected.quantile(i, 1));
                assertThat(out.hits(i)).isEqualTo(expected.hits(i));
                assertThat(out.binCount(i)).isEqualTo(expected.binCount(i));
            }
            assertThat(backend.fallbacks()).isEqualTo(1);
            assertThat(backend.batches()).isEqualTo(1);
        }
    }

    @Test
    void failedForestLoadsAndScoresAreJavasAndCounted() {
        FlatForest stump =
                new FlatForest(
                        1,
                        new float[] {0f},
                        true,
                        new int[] {0, 0, 0},
                        new float[] {0.5f, Float.NaN, Float.NaN},
                        new int[] {1, 0, 1},
                        new int[] {2, 1, 2},
                        new byte[] {0, 0, 0},
                        new float[] {0f, -1f, 1f},
                        new int[] {0},
                        new int[] {1},
                        new int[] {0},
                        new boolean[] {true});
        float[] rows = {0.2f, 0.9f, Float.NaN};
        try (ComputeBackend backend = open()) {
            ForestKernel forests = backend.forests();
            float[] margins = new float[3];
            try (ForestHandle handle = forests.load(stump)) {
                device.failCalls = true;
                forests.score(handle, rows, 3, 1, margins);
                assertThat(margins).containsExactly(-1f, 1f, 1f);
                assertThat(backend.fallbacks()).isEqualTo(1);
                assertThatThrownBy(() -> forests.score(handle, rows, 3, 2, new float[3]))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            device.failCalls = false;
            device.failBlockChanges = true;
            try (ForestHandle handle = forests.load(stump)) {
                margins = new float[3];
                forests.score(handle, rows, 3, 1, margins);
                assertThat(margins).containsExactly(-1f, 1f, 1f);
                assertThat(backend.fallbacks()).isEqualTo(3);
            }
        }
    }

    private static float[] randomRows(int count, int d, long seed) {
        Random random = new Random(seed);
        float[] rows = new float[count * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) random.nextGaussian();
        }
        return rows;
    }
}
