package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.NearestHeap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The device top-k selection of {@code quiver_topk} (operators/src/main/cuda/quiver/topk.cuh: scan
 * in strides, queue, bitonic sort and merge), run on the host by {@code host_check} with its lanes
 * one after another, in one pass or over chunks of a row and a merge pass, against {@link NearestHeap} by slot bit for bit: the same slots in the same
 * order with the same distance bits, dead slots left out, slot -1 at {@code +inf} past the live.
 * Rows hold few distinct distances (and {@code -0.0f} against {@code 0.0f}, and live slots at
 * {@code +inf}), so most candidates tie and only the slot order decides.
 */
class CudaTopKHostCheckTest {

    private static final int[] KS = {1, 10, 64, 65, 200, 1024};

    @BeforeEach
    void needsTheProgram() {
        CudaHostCheck.assumeBuilt();
    }

    @Test
    void selectionEqualsTheJavaHeapBySlotBitForBit() throws Exception {
        SplittableRandom rng = new SplittableRandom(2024L);
        int[] lanes = {32, 256};
        // One chunk a row; chunks shorter than some k (padded selections to merge) and longer.
        int[] chunkLengths = {Integer.MAX_VALUE, 333, 1200};
        int runs = lanes.length * chunkLengths.length;
        int rows = 0;
        int bytes = 0;
        for (int k : KS) {
            for (int n : lengths(k)) {
                rows += runs;
                bytes += runs * (16 + 5 * n);
            }
        }
        ByteBuffer in = CudaHostCheck.input(bytes);
        int[][] expectedSlots = new int[rows][];
        float[][] expectedDistances = new float[rows][];
        NearestHeap heap = new NearestHeap(1);
        int row = 0;
        for (int k : KS) {
            for (int n : lengths(k)) {
                for (int run = 0; run < runs; run++) {
                    in.putInt(k).putInt(n).putInt(lanes[run % lanes.length]);
                    in.putInt(chunkLengths[run / lanes.length]);
                    float[] distances = new float[n];
                    boolean[] live = new boolean[n];
                    for (int slot = 0; slot < n; slot++) {
                        distances[slot] = distance(rng);
                        live[slot] = rng.nextInt(5) != 0;
                        in.putFloat(distances[slot]);
                    }
                    heap.start(k, NearestHeap.BY_SLOT);
                    for (int slot = 0; slot < n; slot++) {
                        in.put((byte) (live[slot] ? 1 : 0));
                        if (live[slot]) {
                            heap.offer(slot, distances[slot]);
                        }
                    }
                    expectedSlots[row] = new int[k];
                    expectedDistances[row] = new float[k];
                    heap.drainPadded(expectedSlots[row], expectedDistances[row], 0);
                    row++;
                }
            }
        }
        ByteBuffer out = CudaHostCheck.run("select", in);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < expectedSlots[r].length; i++) {
                float distance = out.getFloat();
                int slot = out.getInt();
                assertThat(slot).as("row %d, rank %d: slot", r, i).isEqualTo(expectedSlots[r][i]);
                assertThat(Float.floatToRawIntBits(distance))
                        .as("row %d, rank %d: distance", r, i)
                        .isEqualTo(Float.floatToRawIntBits(expectedDistances[r][i]));
            }
        }
        assertThat(out.remaining()).isZero();
    }

    /** Rows shorter than k (padding), about k, and long enough for many queue flushes. */
    private static int[] lengths(int k) {
        return new int[] {0, k / 2, k + 3, 5000};
    }

    /** Quarters 0 .. 2.75, zero of either sign, now and then a live slot at +inf. */
    private static float distance(SplittableRandom rng) {
        if (rng.nextInt(50) == 0) {
            return Float.POSITIVE_INFINITY;
        }
        float distance = rng.nextInt(12) * 0.25f;
        return distance == 0f && rng.nextBoolean() ? -0.0f : distance;
    }
}
