package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The engine's batched tree call: a batch of kNN, radius and match queries answered by one {@link
 * KnnQueryEngine#answer} against the kd-tree gives, query for query, what a batch of that query
 * alone gives (neighbours, distances, matched slot, exactness), exact or best-bin-first.
 */
class KnnQueryEngineBatchTest {

    private static final int DIM = 4;

    @ParameterizedTest
    @ValueSource(ints = {0, 20})
    void aBatchOfTreeQueriesAnswersAsEachQueryAlone(int maxChecks) {
        MatchOptions options =
                MatchOptions.builder()
                        .search(MatchOptions.Search.TREE)
                        .maxChecks(maxChecks)
                        .ratio(0.9f)
                        .build();
        SplittableRandom random = new SplittableRandom(53);
        try (KnnQueryEngine engine = new KnnQueryEngine(options)) {
            LivePoints live = engine.newLivePoints(DIM);
            for (int i = 0; i < 500; i++) {
                live.upsert("p" + random.nextInt(400), vector(random), i);
            }
            QueryBatch batch = new QueryBatch(DIM);
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                float[] q = vector(random);
                vectors.add(q);
                switch (i % 3) {
                    case 0 -> batch.addKnn(q, 1 + random.nextInt(15));
                    case 1 -> batch.addRadius(q, 0.25f + random.nextInt(4) / 4f);
                    default -> batch.addMatch(q);
                }
            }
            List<String> together = answers(engine, live, batch);

            List<String> alone = new ArrayList<>();
            QueryBatch one = new QueryBatch(DIM);
            for (int i = 0; i < batch.count(); i++) {
                one.clear();
                switch (batch.kind(i)) {
                    case KNN -> one.addKnn(vectors.get(i), batch.k(i));
                    case RADIUS -> one.addRadius(vectors.get(i), batch.radius(i));
                    case MATCH -> one.addMatch(vectors.get(i));
                }
                alone.addAll(answers(engine, live, one));
            }
            assertThat(together).hasSize(300).isEqualTo(alone);
            assertThat(together).anyMatch(a -> a.contains("matched p"));
            if (maxChecks > 0) {
                assertThat(together).anyMatch(a -> a.contains("approximate"));
            }
        }
    }

    /** Each query's answer as text: its neighbours' ids and distances, match and exactness. */
    private static List<String> answers(KnnQueryEngine engine, LivePoints live, QueryBatch batch) {
        int count = batch.count();
        NeighborBuffer[] out = new NeighborBuffer[count];
        for (int i = 0; i < count; i++) {
            out[i] = new NeighborBuffer(4);
        }
        int[] matched = new int[count];
        boolean[] exact = new boolean[count];
        PointSet points = engine.answer(live, batch, out, matched, exact);
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder answer = new StringBuilder();
            for (int j = 0; j < out[i].size(); j++) {
                answer.append(points.id(out[i].slot(j)))
                        .append('=')
                        .append(out[i].distance(j))
                        .append(' ');
            }
            if (matched[i] >= 0) {
                answer.append("matched ").append(points.id(matched[i])).append(' ');
            }
            answers.add(answer.append(exact[i] ? "exact" : "approximate").toString());
        }
        return answers;
    }

    /** A coarse grid, so equal distances are common and ties by id are exercised. */
    private static float[] vector(SplittableRandom random) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = random.nextInt(6) / 3f;
        }
        return v;
    }
}
