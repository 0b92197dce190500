package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.SquaredL2;

import org.junit.jupiter.api.Test;

/**
 * Runs the javadoc examples of the brute-force path ({@link SquaredL2}, {@link BruteForceKnn}), so
 * they cannot rot. Keep each test body in step with the {@code <pre>{@code ...}</pre>} block it
 * names.
 */
class BruteForceExamplesTest {

    @Test
    void squaredL2Example() {
        float[] coords = {0f, 0f, 3f, 4f};
        float sqDist = SquaredL2.distance(coords, 0, coords, 2, 2);
        assertThat(sqDist).isEqualTo(25f);
    }

    @Test
    void bruteForceKnnExample() {
        PointSet points = TestPoints.allLive(2, 0f, 1f, 4f, 4f, 9f, 9f, 0f, 0f, 5f, 6f);
        try (ComputeBackend backend = ComputeBackends.cpu()) {
            BruteForceKnn knn = new BruteForceKnn(backend);
            NeighborBuffer[] out = {new NeighborBuffer(10), new NeighborBuffer(10)};
            float[] queries = {0f, 0f, 5f, 5f};
            knn.knn(queries, 2, 3, points, out);
            int nearestSlot = out[0].slot(0);
            float sqDist = out[0].distance(0);
            assertThat(nearestSlot).isEqualTo(3);
            assertThat(sqDist).isZero();
            // (5, 5): (5, 6) at 1, (4, 4) at 2, (9, 9) at 32.
            assertThat(TestPoints.contents(out[1]))
                    .extracting(TestPoints.Neighbor::slot)
                    .containsExactly(4, 1, 2);
            knn.radius(queries, 2, 4f, points, out);
            assertThat(out[0].size()).isEqualTo(2); // (0, 0) at 0 and (0, 1) at 1
        }
    }

    @Test
    void blockPointsExample() {
        try (ComputeBackend backend = ComputeBackends.byName("java");
                BlockPoints points = new BlockPoints(backend.distances(), 2)) {
            points.upsert("a", new float[] {0f, 1f}, 0);
            points.upsert("b", new float[] {5f, 5f}, 0);
            points.delete("a");
            NeighborBuffer[] out = {new NeighborBuffer(1)};
            new BruteForceKnn(backend).knn(new float[] {0f, 0f}, 1, 1, points, out);
            assertThat(points.id(out[0].slot(0))).isEqualTo("b");
        }
    }

    @Test
    void knnQueryEngineExample() {
        MatchOptions options =
                MatchOptions.builder().search(MatchOptions.Search.BRUTE).backend("java").build();
        try (KnnQueryEngine engine = new KnnQueryEngine(options)) {
            assertThat(engine.backend()).isEqualTo("java");
            LivePoints live = engine.newLivePoints(2);
            live.upsert("a", new float[] {1f, 1f}, 1L);
            live.upsert("b", new float[] {4f, 4f}, 2L);
            QueryBatch batch = new QueryBatch(2);
            batch.addKnn(new float[] {0f, 0f}, 1);
            NeighborBuffer[] out = {new NeighborBuffer(1)};
            PointSet answered = engine.answer(live, batch, out, new int[1], new boolean[1]);
            assertThat(answered).isInstanceOf(BlockPoints.class);
            assertThat(answered.id(out[0].slot(0))).isEqualTo("a");
            live.close();
        }
        MatchOptions tree = MatchOptions.builder().search(MatchOptions.Search.TREE).build();
        try (KnnQueryEngine engine = new KnnQueryEngine(tree)) {
            assertThat(engine.backend()).isEqualTo("java");
            assertThat(engine.newLivePoints(2).bruteForcePoints()).isInstanceOf(KdTreeIndex.class);
        }
    }
}
