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
 * The CUDA kernels' squared distance (operators/src/main/cuda/quiver/knn.cuh), run on the host by
 * {@code host_check}, against {@link SquaredL2#distance} bit for bit on random pairs. The device's
 * top-k selection is checked against {@link NearestHeap} by {@code CudaTopKHostCheckTest}.
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
}
