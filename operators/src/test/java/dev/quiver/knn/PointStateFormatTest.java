package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

class PointStateFormatTest {

    private static int[] bits(float[] vector) {
        final int[] bits = new int[vector.length];
        for (int i = 0; i < vector.length; i++) {
            bits[i] = Float.floatToRawIntBits(vector[i]);
        }
        return bits;
    }

    /**
     * Every shipped version restores to the point it was written from, bit for bit, and rebuilds
     * the index the way the match operator does after a restore.
     */
    @Test
    void everyShippedVersionRestoresToWhatWasWritten() throws IOException {
        for (Map.Entry<String, PointGoldenBytes.Sample> shipped :
                PointGoldenBytes.shippedSamples().entrySet()) {
            final PointGoldenBytes.Sample sample = shipped.getValue();
            final byte[] bytes = PointGoldenBytes.read(shipped.getKey());

            assertThat(PointStateFormat.readTimestamp(bytes))
                    .as(shipped.getKey())
                    .isEqualTo(sample.ts());
            final float[] vector = PointStateFormat.readVector(bytes);
            assertThat(bits(vector)).as(shipped.getKey()).isEqualTo(bits(sample.vector()));

            final LivePoints live = new LivePoints(vector.length, KnnMetric.SQUARED_L2);
            live.upsert("p", vector, PointStateFormat.readTimestamp(bytes));
            assertThat(live.oldestTs()).isEqualTo(sample.ts());
            final KdTreeIndex index = live.index();
            final int slot = index.slotOf("p");
            final float[] stored = new float[vector.length];
            System.arraycopy(index.coordinates(), slot * vector.length, stored, 0, vector.length);
            assertThat(bits(stored)).as(shipped.getKey()).isEqualTo(bits(sample.vector()));
        }
    }

    /**
     * Pins the current layout: a writer change that would silently rewrite the shipped format fails
     * here and needs a new serial version instead.
     */
    @Test
    void currentWriterStillWritesTheGoldenBytes() throws IOException {
        assertThat(PointStateFormat.CURRENT_SERIAL_VERSION)
                .isEqualTo(PointStateFormat.SERIAL_VERSION_1);
        for (Map.Entry<String, PointGoldenBytes.Sample> sample :
                PointGoldenBytes.currentSamples().entrySet()) {
            assertThat(sample.getValue().toBytes())
                    .as(sample.getKey())
                    .isEqualTo(PointGoldenBytes.read(sample.getKey()));
        }
    }

    @Test
    void headerHoldsPreambleVersionFamilyDimensionAndTimestamp() throws IOException {
        final byte[] bytes = PointGoldenBytes.read(PointGoldenBytes.name(1));
        assertThat(bytes).hasSize(16 + 4 * 5);
        assertThat(bytes[0]).isEqualTo((byte) 2);
        assertThat(bytes[1]).isEqualTo((byte) PointStateFormat.SERIAL_VERSION_1);
        assertThat(bytes[2]).isEqualTo((byte) PointStateFormat.FAMILY_POINT);
        assertThat(bytes[3]).isEqualTo((byte) 0);
        assertThat(bytes[4]).isEqualTo((byte) 5);
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        final byte[] bytes = PointGoldenBytes.read(PointGoldenBytes.name(1));
        bytes[1] = 2;
        assertThatThrownBy(() -> PointStateFormat.readVector(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Serial version 2 not recognized");
    }

    @Test
    void truncatedStateIsRejected() throws IOException {
        final byte[] bytes = PointGoldenBytes.read(PointGoldenBytes.name(1));
        final byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> PointStateFormat.readTimestamp(truncated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not hold a point of dimension 5");
    }
}
