package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;
import dev.quiver.compute.FlatForest;
import dev.quiver.compute.ForestHandle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names; file names in the examples
 * are copies of the oracle models in a temporary directory.
 */
class ExamplesTest {

    @TempDir Path directory;

    private Path copy(String oracle, String name) throws IOException {
        return Files.copy(Oracles.file(oracle), directory.resolve(name));
    }

    @Test
    void ensembleModelExample() throws IOException {
        Path churn = copy("xgb_bc_binary.json", "churn.json");
        float[] rows = Oracles.float32Rows(Oracles.csv("breast_cancer_test.csv", 30));
        int rowCount = 100;

        EnsembleModel model = EnsembleModels.load(churn);
        ScoreBuffer out = model.newBuffer(256);
        model.score(rows, rowCount, model.featureCount(), out);
        for (int r = 0; r < rowCount; r++) {
            double p = out.prediction(r);
            double margin = out.margin(r, 0);
            assertThat(p).isEqualTo(Objective.sigmoid(margin));
        }
    }

    @Test
    void scoreBufferExample() throws IOException {
        EnsembleModel model = EnsembleModels.fromXgboost(Oracles.bytes("xgb_bc_binary.ubj"));
        float[] row = new float[30];

        ScoreBuffer out = model.newBuffer(1);
        model.score(row, 1, row.length, out);
        double prediction = out.prediction(0);
        double pClass1 = out.classCount() == 2 ? out.probability(0, 1) : Double.NaN;

        assertThat(pClass1).isEqualTo(prediction);
    }

    @Test
    void treeEnsembleExample() throws IOException {
        copy("xgb_iris_softprob.json", "m.ubj");
        float[] rows = new float[1024 * 4];
        Path m = directory.resolve("m.ubj");

        TreeEnsemble model = EnsembleModels.fromXgboost(Files.readAllBytes(m));
        ScoreBuffer out = model.newBuffer(1024);
        model.score(rows, 1024, model.featureCount(), out);
        double[] margins = new double[model.marginCount()];
        for (int k = 0; k < margins.length; k++) {
            margins[k] = out.margin(0, k);
        }

        assertThat(margins).hasSize(3);
    }

    @Test
    void ensembleModelsExample() throws IOException {
        Path a = copy("xgb_bc_binary.json", "a.json");
        Path b = copy("xgb_bc_binary.ubj", "b.ubj");
        Files.createDirectories(directory.resolve("models"));
        copy("xgb_bc_binary.json", "models/a.json");
        Files.writeString(
                directory.resolve("models/churn-stack.json"),
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"stacking\","
                    + " \"base\": [{\"xgboost\": \"a.json\"}], \"base_output\": \"probability\","
                    + " \"meta\": {\"model\": \"logistic\", \"intercept\": -1, \"weights\": [2]}}");
        Path stackFile = directory.resolve("models/churn-stack.json");

        TreeEnsemble ta = EnsembleModels.fromXgboost(Files.readAllBytes(a));
        TreeEnsemble tb = EnsembleModels.fromXgboost(Files.readAllBytes(b));
        EnsembleModel mean = EnsembleModels.bagging(List.of(ta, tb), EnsembleModels.Combine.MEAN);
        EnsembleModel stacked =
                EnsembleModels.stacking(
                        List.of(ta, tb),
                        EnsembleModels.BaseOutput.PROBABILITY,
                        false,
                        EnsembleModels.MetaLearner.LOGISTIC,
                        -1.0,
                        new double[] {1.5, 0.5});
        EnsembleModel fromFile = EnsembleModels.load(stackFile);
        byte[] update = EnsembleModels.selfContained(stackFile, LoadLimits.DEFAULTS);
        EnsembleModel fromUpdate = EnsembleModels.fromBytes(update);

        assertThat(mean.classCount()).isEqualTo(2);
        assertThat(fromUpdate.featureCount()).isEqualTo(30);
        assertThat(stacked.classCount()).isEqualTo(2);
        assertThat(fromFile.featureCount()).isEqualTo(30);
    }

    @Test
    void objectiveExample() {
        Objective objective = Objective.fromXgboostName("binary:logistic");
        float baseMargin = objective.baseMargin(0.5f);
        int classes = objective.classCount(1);

        assertThat(baseMargin).isEqualTo(0f);
        assertThat(classes).isEqualTo(2);
    }

    @Test
    void loadLimitsExample() throws IOException {
        byte[] bytes = Oracles.bytes("xgb_bc_binary.json");

        LoadLimits strict = LoadLimits.DEFAULTS.withMaxBytes(1 << 20).withMaxTrees(500);
        EnsembleModel model = EnsembleModels.fromXgboost(bytes, strict);

        assertThat(model.featureCount()).isEqualTo(30);
        assertThatThrownBy(() -> EnsembleModels.fromXgboost(bytes, strict.withMaxTrees(50)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("100 trees");
    }

    @Test
    void modelFormatExceptionExample() {
        byte[] bytes =
                "{\"learner\": {\"gradient_booster\": {\"name\": \"gblinear\"}}}"
                        .getBytes(StandardCharsets.UTF_8);
        String reason = null;

        try {
            EnsembleModel model = EnsembleModels.fromXgboost(bytes);
        } catch (ModelFormatException e) {
            reason = e.getMessage();
        }

        assertThat(reason).contains("gblinear");
    }

    @Test
    void packageExampleComposition() throws IOException {
        copy("xgb_bc_binary.json", "churn-a.json");
        copy("xgb_bc_binary.ubj", "churn-b.ubj");
        Path composition = directory.resolve("stack.json");
        Files.writeString(
                composition,
                """
                {"format": "quiver-ensemble", "version": 1, "type": "stacking",
                 "base": [
                   {"xgboost": "churn-a.json"},
                   {"xgboost": "churn-b.ubj"},
                   {"trees": {"objective": "binary:logistic", "features": 30, "base_margin": 0,
                              "trees": [{"feature": 0, "threshold": 0.5, "missing": "left",
                                         "left": {"leaf": -0.4}, "right": {"leaf": 0.3}}]}}
                 ],
                 "base_output": "probability",
                 "passthrough": false,
                 "meta": {"model": "logistic", "intercept": -1.2, "weights": [2.0, 1.5, 0.7]}}
                """);
        EnsembleModel model = EnsembleModels.load(composition);
        ScoreBuffer out = model.newBuffer(1);
        model.score(new float[30], 1, 30, out);
        TreeEnsemble a = EnsembleModels.fromXgboost(Oracles.bytes("xgb_bc_binary.json"));
        ScoreBuffer aOut = a.newBuffer(1);
        a.score(new float[30], 1, 30, aOut);
        double z =
                -1.2
                        + 2.0 * aOut.prediction(0)
                        + 1.5 * aOut.prediction(0)
                        + 0.7 * Objective.sigmoid((double) -0.4f);
        assertThat(out.prediction(0)).isCloseTo(Objective.sigmoid(z), offset(1e-15));
    }


    @Test
    void flatViewJavaForestKernelAndScoredByExample() throws IOException {
        TreeEnsemble model = EnsembleModels.fromXgboost(Oracles.bytes("xgb_iris_softprob.json"));
        float[] rows = Oracles.float32Rows(Oracles.csv("iris.csv", 4));
        int rowCount = 10;
        FlatForest flat = model.flatView();
        try (JavaForestKernel kernel = new JavaForestKernel();
                ForestHandle handle = kernel.load(flat)) {
            float[] margins = new float[rowCount * model.marginCount()];
            kernel.score(handle, rows, rowCount, flat.featureCount(), margins);
            ScoreBuffer own = model.newBuffer(rowCount);
            model.score(rows, rowCount, 4, own);
            assertThat((double) margins[3 * 9 + 2]).isEqualTo(own.margin(9, 2));
        }
        try (ComputeBackend backend =
                ComputeBackends.byName("auto")) {
            EnsembleModel scored = model.scoredBy(backend.forests());
            ScoreBuffer out = scored.newBuffer(rowCount);
            scored.score(rows, rowCount, scored.featureCount(), out);
            assertThat(out.prediction(0)).isEqualTo(0.0);
        }
        try (ComputeBackend part = new JavaForestProvider().open()) {
            assertThat(part.forests().backend()).isEqualTo("java");
        }
    }
}
