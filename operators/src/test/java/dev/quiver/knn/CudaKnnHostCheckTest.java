package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.NearestHeap;
import dev.quiver.compute.SquaredL2;
import dev.quiver.compute.cuda.CudaHostCheck;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' squared distance and top-k merge step (operators/src/main/cuda/quiver/knn.cuh),
 * run on the host by {@code host_check}, against the Java kernels bit for bit: {@link
 * SquaredL2#distance} on random pairs, and {@link NearestHeap}'s k best by (distance, id) on
 * offer sequences full of tied distances.
 */
class CudaKnnHostCheckTest {

    @BeforeEach
    void needsTheProgram() {
        CudaHostCheck.assumeBuilt();
    }

    @Test
    void squaredDistancesEqualSquaredL2BitForBit() throws Exception {
        SplittableRandom rng = new SplittableRandom(31L);
        int[] dimensions = {3, 128, 1000};
        int pairs = 300;
        int bytes = 0;
        for (int d : dimensions) {
            bytes += pairs * (4 + 8 * d);
        }
        ByteBuffer in = CudaHostCheck.input(bytes);
        float[] expected = new float[pairs * dimensions.length];
        int n = 0;
        for (int d : dimensions) {
            for (int i = 0; i < pairs; i++) {
                float[] a = new float[d];
                float[] b = new float[d];
                // Mixed magnitudes, so rounding in the running sum matters to the result's bits.
                double scale = Math.pow(10, rng.nextInt(-3, 4));
                for (int k = 0; k < d; k++) {
                    a[k] = (float) (rng.nextGaussian() * scale);
                    b[k] = (float) (a[k] + rng.nextGaussian() * scale * (i % 2 == 0 ? 1e-3 : 1));
                }
                in.putInt(d);
                for (float x : a) {
                    in.putFloat(x);
                }
                for (float x : b) {
                    in.putFloat(x);
                }
                expected[n++] = SquaredL2.distance(a, 0, b, 0, d);
            }
        }
        ByteBuffer out = CudaHostCheck.run("distances", in);
        for (int i = 0; i < n; i++) {
            float got = out.getFloat();
            assertThat(Float.floatToRawIntBits(got))
                    .as("pair %d: %s vs %s", i, got, expected[i])
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
        assertThat(out.remaining()).isZero();
    }

    @Test
    void topKMergeKeepsTheJavaHeapsNeighboursTiesBrokenById() throws Exception {
        SplittableRandom rng = new SplittableRandom(77L);
        int points = 500;
        // Ids whose string order is not the slot order: slot s has id rank[s].
        int[] rank = TestPoints.shuffledRange(rng, points);
        String[] ids = new String[points];
        for (int s = 0; s < points; s++) {
            ids[s] = String.format("p%05d", rank[s]);
        }
        PointSet set = new TestPoints(1, new float[points], allLive(points), ids);
        int[] ks = {1, 5, 16, 64};
        ByteBuffer in = CudaHostCheck.input(ks.length * 4 * (8 + points * 12));
        int[][] expectedSlots = new int[ks.length * 4][];
        float[][] expectedDistances = new float[ks.length * 4][];
        int sequence = 0;
        NearestHeap heap = new NearestHeap(1);
        NeighborBuffer buffer = new NeighborBuffer(1);
        for (int k : ks) {
            for (int repeat = 0; repeat < 4; repeat++) {
                // Few distinct distances (quarters, plus -0.0f against 0.0f), so most offers tie.
                heap.start(k, set);
                in.putInt(k).putInt(points);
                int[] order = TestPoints.shuffledRange(rng, points);
                for (int s : order) {
                    float distance = rng.nextInt(12) * 0.25f;
                    if (distance == 0f && rng.nextBoolean()) {
                        distance = -0.0f;
                    }
                    heap.offer(s, distance);
                    in.putFloat(distance).putLong(rank[s]);
                }
                buffer.drain(heap);
                expectedSlots[sequence] = new int[buffer.size()];
                expectedDistances[sequence] = new float[buffer.size()];
                for (int i = 0; i < buffer.size(); i++) {
                    expectedSlots[sequence][i] = buffer.slot(i);
                    expectedDistances[sequence][i] = buffer.distance(i);
                }
                sequence++;
            }
        }
        ByteBuffer out = CudaHostCheck.run("topk", in);
        for (int q = 0; q < sequence; q++) {
            int size = out.getInt();
            assertThat(size).as("sequence %d: neighbours kept", q).isEqualTo(expectedSlots[q].length);
            for (int i = 0; i < size; i++) {
                float distance = out.getFloat();
                long r = out.getLong();
                assertThat(r).as("sequence %d, neighbour %d: id rank", q, i)
                        .isEqualTo(rank[expectedSlots[q][i]]);
                assertThat(Float.floatToRawIntBits(distance))
                        .as("sequence %d, neighbour %d: distance", q, i)
                        .isEqualTo(Float.floatToRawIntBits(expectedDistances[q][i]));
            }
        }
        assertThat(out.remaining()).isZero();
    }

    private static boolean[] allLive(int n) {
        boolean[] live = new boolean[n];
        java.util.Arrays.fill(live, true);
        return live;
    }
}
