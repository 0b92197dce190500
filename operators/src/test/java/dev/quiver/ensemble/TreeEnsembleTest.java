package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/** Hand-built and random trees against closed forms and a naive recursive walk. */
class TreeEnsembleTest {

    /**
     * Root: {@code x0 < 1} (NaN left); left child {@code x1 < -0.0} (NaN right); right child a
     * leaf. Leaves 1, 2 and 4, base margin 0.5.
     */
    private static final String ROUTING =
            """
            {"format": "quiver-ensemble", "version": 1, "type": "trees", "features": 2,
             "base_margin": 0.5,
             "trees": [{"feature": 0, "threshold": 1, "missing": "left",
                        "left": {"feature": 1, "threshold": -0.0, "missing": "right",
                                 "left": {"leaf": 1}, "right": {"leaf": 2}},
                        "right": {"leaf": 4}}]}
            """;

    private static double margin(EnsembleModel model, float... row) {
        ScoreBuffer out = model.newBuffer(1);
        model.score(row, 1, row.length, out);
        return out.margin(0, 0);
    }

    @Test
    void rowsGoLeftOnlyWhenStrictlyBelowAndNanFollowsTheDefault() {
        EnsembleModel model = EnsembleModels.fromBytes(ROUTING.getBytes(StandardCharsets.UTF_8));
        assertThat(model.acceptsMissing()).isTrue();
        assertThat(margin(model, 0.5f, -1f)).isEqualTo(1.5);
        assertThat(margin(model, 1f, -1f)).as("x == threshold goes right").isEqualTo(4.5);
        assertThat(margin(model, Math.nextDown(1f), -1f)).isEqualTo(1.5);
        assertThat(margin(model, Float.POSITIVE_INFINITY, -1f)).isEqualTo(4.5);
        assertThat(margin(model, Float.NEGATIVE_INFINITY, -1f)).isEqualTo(1.5);
        assertThat(margin(model, Float.NaN, -1f)).as("NaN at the root goes left").isEqualTo(1.5);
        assertThat(margin(model, 0f, Float.NaN)).as("NaN at the child goes right").isEqualTo(2.5);
        assertThat(margin(model, Float.NaN, Float.NaN)).isEqualTo(2.5);
        assertThat(margin(model, Float.NaN, 5f)).isEqualTo(2.5);
        assertThat(margin(model, 0f, 0f)).as("0 < -0 is false in float32").isEqualTo(2.5);
        assertThat(margin(model, 0f, -Float.MIN_VALUE)).isEqualTo(1.5);
        assertThat(margin(model, 3f, Float.NaN)).isEqualTo(4.5);
    }

    @Test
    void aModelWithoutMissingRulesRefusesNan() {
        EnsembleModel model =
                EnsembleModels.fromBytes(
                        ROUTING.replace(", \"missing\": \"right\"", "")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(model.acceptsMissing()).isFalse();
        assertThat(margin(model, 0.5f, -1f)).isEqualTo(1.5);
        assertThatThrownBy(() -> margin(model, Float.NaN, 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
    }

    @Test
    void leafOnlyTreesAddTheirValue() {
        EnsembleModel model =
                EnsembleModels.fromBytes(
                        ("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"trees\","
                                        + " \"features\": 1, \"trees\": [{\"leaf\": 0.25},"
                                        + " {\"leaf\": -1.5}]}")
                                .getBytes(StandardCharsets.UTF_8));
        assertThat(margin(model, Float.NaN)).isEqualTo(-1.25);
    }

    /** Margins of 0.7 (base 0.5 + leaf 0.2) through each objective's closed form. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "reg:squarederror",
                "reg:logistic",
                "binary:logistic",
                "binary:logitraw",
                "count:poisson"
            })
    void singleOutputObjectivesTransformTheMargin(String objective) {
        TreeEnsemble model =
                (TreeEnsemble)
                        EnsembleModels.fromBytes(
                                ("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\":"
                                                + " \"trees\", \"objective\": \""
                                                + objective
                                                + "\", \"features\": 1, \"base_margin\": 0.5,"
                                                + " \"trees\": [{\"leaf\": 0.2}]}")
                                        .getBytes(StandardCharsets.UTF_8));
        ScoreBuffer out = model.newBuffer(1);
        model.score(new float[] {0f}, 1, 1, out);
        double m = 0.5f + 0.2f;
        assertThat(out.margin(0, 0)).isEqualTo(m);
        double sigmoid = 1 / (1 + Math.exp(-m));
        switch (objective) {
            case "reg:logistic":
                assertThat(out.prediction(0)).isCloseTo(sigmoid, offset(1e-15));
                assertThat(model.classCount()).isZero();
                break;
            case "binary:logistic":
                assertThat(out.prediction(0)).isCloseTo(sigmoid, offset(1e-15));
                assertThat(out.probability(0, 0)).isCloseTo(1 - sigmoid, offset(1e-15));
                assertThat(out.probability(0, 1)).isCloseTo(sigmoid, offset(1e-15));
                break;
            case "count:poisson":
                assertThat(out.prediction(0)).isCloseTo(Math.exp(m), offset(1e-15));
                break;
            default:
                assertThat(out.prediction(0)).isEqualTo(m);
                assertThat(model.classCount()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"multi:softprob", "multi:softmax"})
    void multiClassObjectivesGiveSoftmaxAndTheFirstLargestClass(String objective) {
        EnsembleModel model =
                EnsembleModels.fromBytes(
                        ("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"trees\","
                                        + " \"objective\": \""
                                        + objective
                                        + "\", \"features\": 1, \"classes\": 3,"
                                        + " \"base_margin\": [0.5, 0.5, 0.5], \"trees\":"
                                        + " [{\"leaf\": 1}, {\"leaf\": 2}, {\"leaf\": 2},"
                                        + " {\"leaf\": -1}, {\"leaf\": 0.5}, {\"leaf\": 0.5}]}")
                                .getBytes(StandardCharsets.UTF_8));
        ScoreBuffer out = model.newBuffer(1);
        model.score(new float[] {0f}, 1, 1, out);
        double[] m = {0.5, 3, 3};
        double z = Math.exp(m[0]) + Math.exp(m[1]) + Math.exp(m[2]);
        for (int k = 0; k < 3; k++) {
            assertThat(out.margin(0, k)).isEqualTo(m[k]);
            assertThat(out.probability(0, k)).isCloseTo(Math.exp(m[k]) / z, offset(1e-15));
        }
        assertThat(out.prediction(0)).as("ties go to the first class").isEqualTo(1);
    }

    @Test
    void logisticBaseScoreIsAProbability() {
        assertThat(Objective.BINARY_LOGISTIC.baseMargin(0.5f)).isZero();
        assertThat(Objective.REG_LOGISTIC.baseMargin(0.25f)).isEqualTo((float) Math.log(1.0 / 3.0));
        assertThat(Objective.COUNT_POISSON.baseMargin(2f)).isEqualTo((float) Math.log(2));
        assertThat(Objective.BINARY_LOGITRAW.baseMargin(0.25f)).isEqualTo(0.25f);
        assertThat(Objective.MULTI_SOFTPROB.baseMargin(-0.3f)).isEqualTo(-0.3f);
        assertThatThrownBy(() -> Objective.BINARY_LOGISTIC.baseMargin(1.5f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Objective.fromXgboostName("rank:pairwise"))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("rank:pairwise");
        assertThat(XgboostModelReader.baseMargins("[4E-1]", Objective.BINARY_LOGISTIC, 1))
                .containsExactly(
                        XgboostModelReader.baseMargins("4E-1", Objective.BINARY_LOGISTIC, 1));
        assertThat(XgboostModelReader.baseMargins("[1E-1,2E-1,-3E-1]", Objective.MULTI_SOFTMAX, 3))
                .containsExactly(0.1f, 0.2f, -0.3f);
        assertThat(XgboostModelReader.baseMargins("5E-1", Objective.MULTI_SOFTMAX, 3))
                .containsExactly(0.5f, 0.5f, 0.5f);
    }

    /** Block boundaries (64 rows) and a single row give the same margins as the naive walk. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 63, 64, 65, 200})
    void randomTreesMatchANaiveWalkForAnyBatchSize(int rowCount) {
        RandomTrees trees = new RandomTrees(11L, 60, 7, 6, "multi:softprob", 3, true);
        EnsembleModel model = EnsembleModels.fromBytes(trees.json());
        float[] rows = RandomTrees.rows(12L + rowCount, rowCount, 6, 0.15);
        ScoreBuffer batch = model.newBuffer(rowCount);
        model.score(rows, rowCount, 6, batch);
        ScoreBuffer single = model.newBuffer(1);
        for (int r = 0; r < rowCount; r++) {
            float[] expected = trees.margins(rows, r);
            float[] row = java.util.Arrays.copyOfRange(rows, r * 6, r * 6 + 6);
            model.score(row, 1, 6, single);
            for (int k = 0; k < 3; k++) {
                assertThat(batch.margin(r, k))
                        .as("margin %d of row %d", k, r)
                        .isEqualTo(expected[k]);
                assertThat(single.margin(0, k)).isEqualTo(expected[k]);
            }
        }
    }

    /**
     * Trees padded to perfect ones and trees kept linked (random shapes give both) reach the naive
     * walk's leaves, with and without NaN, one row and four rows at a time.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.1})
    void paddedAndLinkedTreesReachTheNaiveWalksLeaves(double nanShare) {
        RandomTrees trees = new RandomTrees(41L, 120, 4, 5, "reg:squarederror", 0, true);
        TreeEnsemble model = (TreeEnsemble) EnsembleModels.fromBytes(trees.json());
        assertThat(model.paddedTreeCount()).isBetween(1, model.treeCount() - 1);
        float[] rows = RandomTrees.rows(42L, 131, 5, nanShare);
        ScoreBuffer out = model.newBuffer(131);
        model.score(rows, 131, 5, out);
        for (int r = 0; r < 131; r++) {
            assertThat(out.margin(r, 0)).as("row %d", r).isEqualTo(trees.margins(rows, r)[0]);
        }
    }

    /**
     * Blocks of at least {@link SplitMasks#MIN_ROWS} rows without NaN go through the split masks:
     * several output groups, trees up to and beyond {@link SplitMasks#MAX_DEPTH} (the deeper ones
     * take the walk), rows on the thresholds' grid (so many rows equal a threshold), block tails
     * just below and above the minimum.
     */
    @ParameterizedTest
    @ValueSource(ints = {15, 16, 17, 64, 100, 143})
    void wholeBlocksThroughSplitMasksMatchTheNaiveWalk(int rowCount) {
        RandomTrees trees = new RandomTrees(31L, 90, 9, 7, "multi:softprob", 3, true);
        TreeEnsemble model = (TreeEnsemble) EnsembleModels.fromBytes(trees.json());
        assertThat(model.paddedTreeCount()).isPositive();
        float[] rows = RandomTrees.rows(32L + rowCount, rowCount, 7, 0.0);
        ScoreBuffer out = model.newBuffer(rowCount);
        model.score(rows, rowCount, 7, out);
        for (int r = 0; r < rowCount; r++) {
            float[] expected = trees.margins(rows, r);
            for (int k = 0; k < 3; k++) {
                assertThat(out.margin(r, k)).as("margin %d of row %d", k, r).isEqualTo(expected[k]);
            }
        }
    }

    @Test
    void rowsWithoutNanTakeTheFastPathToTheSameAnswers() {
        RandomTrees trees = new RandomTrees(21L, 40, 6, 4, "reg:squarederror", 0, true);
        EnsembleModel model = EnsembleModels.fromBytes(trees.json());
        float[] rows = RandomTrees.rows(22L, 500, 4, 0.0);
        ScoreBuffer out = model.newBuffer(500);
        model.score(rows, 500, 4, out);
        for (int r = 0; r < 500; r++) {
            assertThat(out.margin(r, 0)).isEqualTo(trees.margins(rows, r)[0]);
        }
    }

    @Test
    void singleRowScoringAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RandomTrees trees = new RandomTrees(31L, 100, 6, 30, "binary:logistic", 0, true);
        EnsembleModel model = EnsembleModels.fromBytes(trees.json());
        float[] rows = RandomTrees.rows(32L, 1000, 30, 0.05);
        float[] row = new float[30];
        ScoreBuffer out = model.newBuffer(1);
        double sum = 0;
        for (int round = 0; round < 3; round++) {
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            for (int r = 0; r < 1000; r++) {
                System.arraycopy(rows, r * 30, row, 0, 30);
                model.score(row, 1, 30, out);
                sum += out.prediction(0);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (round == 2) {
                // The allocation counter itself may cost a few bytes; 1000 calls allocating even
                // one small object each would be over 16 KB.
                assertThat(allocated)
                        .as("bytes allocated by 1000 single-row calls")
                        .isLessThan(1024);
            }
        }
        assertThat(sum).isPositive();
    }

    @Test
    void misuseIsRefused() {
        EnsembleModel model = EnsembleModels.fromBytes(ROUTING.getBytes(StandardCharsets.UTF_8));
        EnsembleModel other = EnsembleModels.fromBytes(ROUTING.getBytes(StandardCharsets.UTF_8));
        ScoreBuffer out = model.newBuffer(2);
        assertThatThrownBy(() -> model.score(new float[3], 1, 3, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 features");
        assertThatThrownBy(() -> model.score(new float[2], 1, 2, other.newBuffer(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another model");
        assertThatThrownBy(() -> model.score(new float[6], 3, 2, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rowCount");
        assertThatThrownBy(() -> model.score(new float[3], 2, 2, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need more than 3");
    }
}
