package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/** {@link NeighborBuffer}: growth, bounds, and the (distance, id) sort for small and large runs. */
class NeighborBufferTest {

    private static final long SEED = 0x50_27L;

    @Test
    void sortOrdersByDistanceThenIdForEveryLength() {
        SplittableRandom random = new SplittableRandom(SEED);
        KdTreeIndex points = KdTreeIndex.builder(1).leafSize(1).build();
        for (int i = 0; i < 20_000; i++) {
            points.upsert("n" + random.nextInt(1_000_000), new float[] {i}, 0);
        }
        List<Integer> liveSlots = new ArrayList<>();
        for (int slot = 0; slot < points.slotCount(); slot++) {
            if (points.isLive(slot)) {
                liveSlots.add(slot);
            }
        }
        NeighborBuffer buffer = new NeighborBuffer(1);
        for (int length : new int[] {0, 1, 2, 15, 16, 17, 100, 5_000, liveSlots.size()}) {
            buffer.clear();
            List<long[]> expected = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                int slot = liveSlots.get(random.nextInt(liveSlots.size()));
                // Few distinct distances: most order decisions fall to the id.
                float distance = random.nextInt(8) * 0.5f;
                buffer.add(slot, distance);
                expected.add(new long[] {slot, Float.floatToIntBits(distance)});
            }
            expected.sort(
                    Comparator.<long[]>comparingDouble(e -> Float.intBitsToFloat((int) e[1]))
                            .thenComparing(e -> points.id((int) e[0])));
            buffer.sortByDistanceThenId(points);
            assertThat(buffer.size()).isEqualTo(length);
            for (int i = 0; i < length; i++) {
                assertThat(points.id(buffer.slot(i)))
                        .as("length %d position %d", length, i)
                        .isEqualTo(points.id((int) expected.get(i)[0]));
                assertThat(buffer.distance(i))
                        .isEqualTo(Float.intBitsToFloat((int) expected.get(i)[1]));
            }
        }
    }

    @Test
    void bufferGrowsAndChecksIndices() {
        NeighborBuffer buffer = new NeighborBuffer(1);
        for (int i = 0; i < 100; i++) {
            buffer.add(i, i * 2f);
        }
        assertThat(buffer.size()).isEqualTo(100);
        assertThat(buffer.slot(99)).isEqualTo(99);
        buffer.set(5, 42, 0.5f);
        assertThat(buffer.distance(5)).isEqualTo(0.5f);
        buffer.truncate(10);
        assertThat(buffer.size()).isEqualTo(10);
        assertThatThrownBy(() -> buffer.slot(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.truncate(11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new NeighborBuffer(0))
                .hasMessage("capacity must be at least 1, got 0");
        buffer.clear();
        assertThat(buffer.size()).isZero();
    }
}
