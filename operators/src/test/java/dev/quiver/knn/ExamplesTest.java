package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names.
 */
class ExamplesTest {

    @Test
    void kdTreeIndexExample() {
        KdTreeIndex index = KdTreeIndex.builder(2).metric(KnnMetric.L2).build();
        index.upsert("a", new float[] {0f, 0f}, 0);
        index.upsert("b", new float[] {3f, 4f}, 0);
        index.upsert("c", new float[] {1f, 1f}, 0);

        NeighborBuffer out = new NeighborBuffer(4);
        index.knn(new float[] {0f, 1f}, 0, 2, out);
        assertThat(index.id(out.slot(0))).isEqualTo("a");
        assertThat(index.metric().fromSquaredL2(out.distance(1))).isEqualTo(1.0f);
        assertThat(index.id(out.slot(1))).isEqualTo("c");

        index.delete("a");
        int slot = index.match(new float[] {3f, 3.5f}, 0, 0.8f, out);
        assertThat(index.id(slot)).isEqualTo("b");
    }

    @Test
    void builderExample() {
        KdTreeIndex index =
                KdTreeIndex.builder(128)
                        .metric(KnnMetric.COSINE)
                        .leafSize(32)
                        .balance(0.7)
                        .maxDeletedFraction(0.5)
                        .build();
        assertThat(index.metric()).isEqualTo(KnnMetric.COSINE);
        assertThat(index.dimension()).isEqualTo(128);
    }

    @Test
    void neighborBufferExample() {
        KdTreeIndex index = KdTreeIndex.builder(1).build();
        for (int i = 0; i < 20; i++) {
            index.upsert("p" + i, new float[] {i}, 0);
        }
        float[] query = {3.2f};
        NeighborBuffer out = new NeighborBuffer(16);
        index.knn(query, 0, 10, out);
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < out.size(); i++) {
            String id = index.id(out.slot(i));
            float distance = out.distance(i);
            ids.append(id).append(distance < 1f ? "*" : "").append(' ');
        }
        assertThat(ids.toString()).startsWith("p3* p4* p2 p5 p1");
    }

    @Test
    void pointSetExample() {
        KdTreeIndex index = KdTreeIndex.builder(2).build();
        index.upsert("x", new float[] {5f, 6f}, 0);
        PointSet points = index;
        float sum = 0;
        float[] coords = points.coordinates();
        for (int slot = 0; slot < points.slotCount(); slot++) {
            if (points.isLive(slot)) {
                float x0 = coords[slot * points.dimension()];
                sum += x0;
            }
        }
        assertThat(sum).isEqualTo(5f);
    }

    @Test
    void knnMetricExample() {
        float sqDist = 9f;
        float reported = KnnMetric.L2.fromSquaredL2(sqDist);
        assertThat(reported).isEqualTo(3f);
    }
}
