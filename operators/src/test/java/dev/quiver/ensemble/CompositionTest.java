package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.quiver.ensemble.EnsembleModels.BaseOutput;
import dev.quiver.ensemble.EnsembleModels.Combine;
import dev.quiver.ensemble.EnsembleModels.MetaLearner;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Bagging and stacking against a direct computation over their members' own scores. */
class CompositionTest {

    private static final int ROWS = 171;
    private static final int FEATURES = 30;
    private static float[] rows;
    private static TreeEnsemble xgboost;
    private static RandomTrees small;
    private static RandomTrees shallow;

    @BeforeAll
    static void members() throws IOException {
        rows = Oracles.float32Rows(Oracles.csv("breast_cancer_test_with_nan.csv", FEATURES));
        xgboost = EnsembleModels.fromXgboost(Oracles.bytes("xgb_bc_binary.json"));
        small = new RandomTrees(41L, 20, 4, FEATURES, "binary:logistic", 0, true);
        shallow = new RandomTrees(42L, 5, 2, FEATURES, "binary:logistic", 0, true);
    }

    private static ScoreBuffer score(EnsembleModel model) {
        ScoreBuffer out = model.newBuffer(ROWS);
        model.score(rows, ROWS, FEATURES, out);
        return out;
    }

    private static EnsembleModel inline(RandomTrees trees) {
        return EnsembleModels.fromBytes(trees.json());
    }

    @Test
    void baggingMeanAveragesMarginsAndProbabilities() {
        List<EnsembleModel> members = List.of(xgboost, inline(small), inline(shallow));
        EnsembleModel bagging = EnsembleModels.bagging(members, Combine.MEAN);
        ScoreBuffer out = score(bagging);
        ScoreBuffer[] each =
                members.stream().map(CompositionTest::score).toArray(ScoreBuffer[]::new);
        for (int r = 0; r < ROWS; r++) {
            double margin = 0;
            double p = 0;
            for (ScoreBuffer member : each) {
                margin += member.margin(r, 0);
                p += member.prediction(r);
            }
            assertThat(out.margin(r, 0)).isCloseTo(margin / 3, offset(1e-12));
            assertThat(out.prediction(r)).isCloseTo(p / 3, offset(1e-12));
            assertThat(out.probability(r, 1)).isCloseTo(p / 3, offset(1e-12));
            assertThat(out.probability(r, 0)).isCloseTo(1 - p / 3, offset(1e-12));
        }
    }

    @Test
    void baggingVoteCountsEachMembersClass() {
        List<EnsembleModel> members = List.of(xgboost, inline(small), inline(shallow));
        EnsembleModel vote = EnsembleModels.bagging(members, Combine.VOTE);
        ScoreBuffer out = score(vote);
        ScoreBuffer[] each =
                members.stream().map(CompositionTest::score).toArray(ScoreBuffer[]::new);
        int split = 0;
        for (int r = 0; r < ROWS; r++) {
            int ones = 0;
            for (ScoreBuffer member : each) {
                ones += member.prediction(r) > 0.5 ? 1 : 0;
            }
            assertThat(out.margin(r, 1)).isEqualTo(ones);
            assertThat(out.margin(r, 0)).isEqualTo(3 - ones);
            assertThat(out.probability(r, 1)).isEqualTo(ones / 3.0);
            assertThat(out.prediction(r)).isEqualTo(ones >= 2 ? 1 : 0);
            split += ones == 1 || ones == 2 ? 1 : 0;
        }
        assertThat(split).as("rows on which the members disagree").isPositive();
    }

    @Test
    void baggingRegressorsAveragesPredictionsAndRefusesAVote() {
        RandomTrees a = new RandomTrees(51L, 10, 3, FEATURES, "count:poisson", 0, true);
        RandomTrees b = new RandomTrees(52L, 10, 3, FEATURES, "count:poisson", 0, true);
        List<EnsembleModel> members = List.of(inline(a), inline(b));
        ScoreBuffer out = score(EnsembleModels.bagging(members, Combine.MEAN));
        ScoreBuffer first = score(members.get(0));
        ScoreBuffer second = score(members.get(1));
        for (int r = 0; r < ROWS; r++) {
            assertThat(out.prediction(r))
                    .isCloseTo((first.prediction(r) + second.prediction(r)) / 2, offset(1e-12));
        }
        assertThat(out.classCount()).isZero();
        assertThatThrownBy(() -> EnsembleModels.bagging(members, Combine.VOTE))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("classifiers");
    }

    @Test
    void stackingAppliesTheMetaLearnerToTheBaseOutputs() {
        RandomTrees multi = new RandomTrees(61L, 12, 3, FEATURES, "multi:softprob", 3, true);
        RandomTrees regression = new RandomTrees(62L, 8, 3, FEATURES, "reg:squarederror", 0, true);
        List<EnsembleModel> base = List.of(xgboost, inline(multi), inline(regression));
        double[] weights = {1.5, 0.2, -0.4, 0.3, 0.8};
        EnsembleModel stacking =
                EnsembleModels.stacking(
                        base, BaseOutput.PROBABILITY, false, MetaLearner.LOGISTIC, -0.7, weights);
        ScoreBuffer out = score(stacking);
        ScoreBuffer b0 = score(base.get(0));
        ScoreBuffer b1 = score(base.get(1));
        ScoreBuffer b2 = score(base.get(2));
        for (int r = 0; r < ROWS; r++) {
            double z =
                    -0.7
                            + 1.5 * b0.probability(r, 1)
                            + 0.2 * b1.probability(r, 0)
                            - 0.4 * b1.probability(r, 1)
                            + 0.3 * b1.probability(r, 2)
                            + 0.8 * b2.prediction(r);
            double p = 1 / (1 + Math.exp(-z));
            assertThat(out.margin(r, 0)).isCloseTo(z, offset(1e-12));
            assertThat(out.prediction(r)).isCloseTo(p, offset(1e-12));
            assertThat(out.probability(r, 0)).isCloseTo(1 - p, offset(1e-12));
        }
    }

    @Test
    void stackingOnMarginsWithPassthroughIsLinearInBoth() throws IOException {
        float[] clean = Oracles.float32Rows(Oracles.csv("breast_cancer_test.csv", FEATURES));
        List<EnsembleModel> base = List.of(xgboost, inline(small));
        double[] weights = new double[2 + FEATURES];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 0.01 * (i + 1) * (i % 2 == 0 ? 1 : -1);
        }
        EnsembleModel stacking =
                EnsembleModels.stacking(
                        base, BaseOutput.MARGIN, true, MetaLearner.LINEAR, 2.0, weights);
        assertThat(stacking.acceptsMissing())
                .as("raw features cannot be NaN in a linear model")
                .isFalse();
        assertThat(stacking.classCount()).isZero();
        ScoreBuffer out = stacking.newBuffer(ROWS);
        stacking.score(clean, ROWS, FEATURES, out);
        ScoreBuffer b0 = base.get(0).newBuffer(ROWS);
        base.get(0).score(clean, ROWS, FEATURES, b0);
        ScoreBuffer b1 = base.get(1).newBuffer(ROWS);
        base.get(1).score(clean, ROWS, FEATURES, b1);
        for (int r = 0; r < ROWS; r++) {
            double z = 2.0 + weights[0] * b0.margin(r, 0) + weights[1] * b1.margin(r, 0);
            for (int f = 0; f < FEATURES; f++) {
                z += weights[2 + f] * clean[r * FEATURES + f];
            }
            assertThat(out.prediction(r)).isCloseTo(z, offset(1e-9 * Math.max(1, Math.abs(z))));
            assertThat(out.margin(r, 0)).isEqualTo(out.prediction(r));
        }
    }

    @Test
    void compositionDocumentsReadMemberFilesBesideThem(@TempDir Path directory) throws IOException {
        Files.copy(Oracles.file("xgb_bc_binary.ubj"), directory.resolve("a.ubj"));
        Files.createDirectory(directory.resolve("sub"));
        Files.copy(Oracles.file("xgb_bc_binary.json"), directory.resolve("sub/b.json"));
        Path file = directory.resolve("bag.json");
        Files.writeString(
                file,
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": [{\"xgboost\": \"a.ubj\"},"
                        + " {\"xgboost\": \"sub/b.json\"}, {\"trees\": {"
                        + small.body()
                        + "}}]}");
        EnsembleModel fromFile = EnsembleModels.load(file);
        ScoreBuffer out = score(fromFile);
        ScoreBuffer direct =
                score(
                        EnsembleModels.bagging(
                                List.of(xgboost, xgboost, inline(small)), Combine.MEAN));
        for (int r = 0; r < ROWS; r++) {
            assertThat(out.prediction(r)).isEqualTo(direct.prediction(r));
        }

        Files.writeString(
                directory.resolve("escape.json"),
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": [{\"xgboost\": \"../x.json\"}]}");
        assertThatThrownBy(() -> EnsembleModels.load(directory.resolve("escape.json")))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("member '../x.json' resolves outside the composition folder");
        byte[] bytes = Files.readAllBytes(file);
        assertThatThrownBy(() -> EnsembleModels.fromBytes(bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("inline");
    }

    @Test
    void selfContainedCompositionsEmbedTheirMemberFilesAndScoreAsTheFileDoes(
            @TempDir Path directory) throws IOException {
        Files.copy(Oracles.file("xgb_bc_binary.ubj"), directory.resolve("a \"1\".ubj"));
        Files.createDirectory(directory.resolve("sub"));
        Files.copy(Oracles.file("xgb_bc_binary.json"), directory.resolve("sub/b.json"));
        Path file = directory.resolve("stack.json");
        Files.writeString(
                file,
                "\n {\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"stacking\","
                        + " \"base\": [{\"xgboost\": \"a \\\"1\\\".ubj\"},"
                        + " {\"xgboost\": \"sub/b.json\"}, {\"trees\": {"
                        + small.body()
                        + "}}], \"base_output\": \"margin\", \"meta\": {\"model\": \"logistic\","
                        + " \"intercept\": -0.5, \"weights\": [0.5, 0.25, 1.0]}}");
        byte[] selfContained = EnsembleModels.selfContained(file, LoadLimits.DEFAULTS);
        assertThat(new String(selfContained, StandardCharsets.UTF_8)).contains("\"files\": {");
        ScoreBuffer fromBytes = score(EnsembleModels.fromBytes(selfContained));
        ScoreBuffer fromFile = score(EnsembleModels.load(file));
        for (int r = 0; r < ROWS; r++) {
            assertThat(fromBytes.margin(r, 0)).isEqualTo(fromFile.margin(r, 0));
            assertThat(fromBytes.prediction(r)).isEqualTo(fromFile.prediction(r));
        }
        // The limits hold for the whole: each file fits, the embedded whole does not.
        long largest =
                Math.max(
                        Files.size(directory.resolve("a \"1\".ubj")),
                        Files.size(directory.resolve("sub/b.json")));
        assertThatThrownBy(
                        () ->
                                EnsembleModels.selfContained(
                                        file, LoadLimits.DEFAULTS.withMaxBytes(largest + 1)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("the composition with its member files embedded has");
        // Embedded files are all a self-contained document reads, wherever it is loaded from.
        Files.delete(directory.resolve("sub/b.json"));
        Path moved = Files.write(directory.resolve("moved.json"), selfContained);
        assertThat(score(EnsembleModels.load(moved)).prediction(0))
                .isEqualTo(fromFile.prediction(0));
        assertThatThrownBy(() -> EnsembleModels.selfContained(file, LoadLimits.DEFAULTS))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cannot read member file 'sub/b.json'");

        byte[] xgboostFile = Oracles.bytes("xgb_bc_binary.json");
        assertThat(
                        EnsembleModels.selfContained(
                                Oracles.file("xgb_bc_binary.json"), LoadLimits.DEFAULTS))
                .isEqualTo(xgboostFile);
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"files\": {\"a.json\": \"not base64!\"}, \"combine\": \"mean\","
                        + " \"members\": [{\"xgboost\": \"a.json\"}]}",
                "not base64");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"files\": {}, \"combine\": \"mean\","
                        + " \"members\": [{\"xgboost\": \"a.json\"}]}",
                "not among the files embedded in $.files");
    }

    @Test
    void badCompositionsAreRefusedByName() {
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 2, \"type\": \"bagging\"}",
                "version 2");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"boosting\"}",
                "boosting");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"median\", \"members\": []}",
                "median");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": [], \"extra\": 1}",
                "unknown field $.extra");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"stacking\","
                        + " \"base\": [{\"trees\": {\"features\": 2, \"trees\": [{\"leaf\": 1}]}}],"
                        + " \"base_output\": \"probability\", \"meta\": {\"model\": \"linear\","
                        + " \"intercept\": 0, \"weights\": [1, 2]}}",
                "2 weights for 1 inputs");
        assertRefused(
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": ["
                        + "{\"trees\": {\"features\": 2, \"trees\": [{\"leaf\": 1}]}},"
                        + "{\"trees\": {\"features\": 3, \"trees\": [{\"leaf\": 1}]}}]}",
                "member 1 takes 3 features");
        assertRefused("{\"hello\": 1}", "neither an XGBoost model");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> EnsembleModels.fromBytes(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(message);
    }
}
