package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.avro.specific.SpecificRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The score job (XGBoost 1.7.4's breast-cancer model, 30 features) under hostile observations, each
 * row one of the test rows with about 20% NaN. An observation the model cannot score is a dead
 * letter; every other gets XGBoost's own margin, bit for bit, and its probability. The job does not
 * key by the observation, so an empty key, and the value it does not read, are no reason to refuse
 * one.
 */
final class ScoreUnderHostility extends ObservationJob {

    /**
     * XGBoost prints probabilities with 17 digits of a float32 logistic; the job computes it in
     * double from the same float32 margin: they agree to about the float32 epsilon.
     */
    private static final double PROBABILITY_TOLERANCE = 1e-6;

    private static final int FEATURES = 30;

    private final double[][] rows = csv("breast_cancer_test_with_nan.csv", FEATURES);
    private final double[][] xgboost = csv("xgb_bc_binary_pred_test_with_nan.csv", 2);
    private final Map<String, Integer> rowOf = new HashMap<>();

    ScoreUnderHostility() {
        super("score", "--scores-topic", Score.class);
    }

    @Override
    List<String> options() {
        return List.of(
                "--model", Checkout.oracle("xgb_bc_binary.json").toString(), "--model-id", "bc");
    }

    /** Kafka mode also reads the models topic for new versions; it stays empty here. */
    @Override
    List<String> otherTopicOptions() {
        return List.of("--models-topic");
    }

    @Override
    double goodValue(SplittableRandom random) {
        return random.nextInt(2);
    }

    /** The features of a test row, the rows taken in turn by the observations as made. */
    @Override
    List<Double> features(String id) {
        Integer row = rowOf.get(id);
        if (row == null) {
            row = rowOf.size() % rows.length;
            rowOf.put(id, row);
        }
        List<Double> features = new ArrayList<>(FEATURES);
        for (double x : rows[row]) {
            features.add(x);
        }
        return features;
    }

    @Override
    void semanticCases(EntryMix<Observation> cases) {
        String count = "model 'bc' version 0 takes 30 features, got ";
        cases.semantic("wrong feature count", Map.of("features", "[1.5,2.5]"), count + "2");
        cases.semantic("wrong feature count", Map.of("features", "[]"), count + "0");
        cases.semantic(
                "wrong feature count",
                Map.of("features", "[" + String.join(",", Collections.nCopies(31, "1")) + "]"),
                count + "31");
        cases.semantic("empty key", Map.of("key", "\"\""), null);
        cases.semantic("NaN", Map.of("value", "NaN"), null);
        cases.semantic("Infinity", Map.of("value", "Infinity"), null);
    }

    @Override
    void checkResults(List<List<Entry>> sent, List<SpecificRecord> results) {
        Map<String, Score> byId = uniqueById(results);
        int expected = 0;
        for (Entry entry : sent.get(0)) {
            if (!(entry.record() instanceof Observation o)) {
                continue;
            }
            expected++;
            int row = rowOf.get(entry.id());
            Score score = byId.get(entry.id());
            assertThat(score).as("the score of %s", entry).isNotNull();
            assertThat(score.getKey()).isEqualTo(o.getKey());
            assertThat(score.getMargin())
                    .as("XGBoost's margin of row %d (%s)", row, entry.id())
                    .containsExactly(xgboost[row][0]);
            assertThat(score.getPrediction())
                    .as("XGBoost's probability of row %d (%s)", row, entry.id())
                    .isCloseTo(xgboost[row][1], offset(PROBABILITY_TOLERANCE));
        }
        assertThat(byId).as("scores, one per scorable observation").hasSize(expected);
    }

    /** The first {@code columns} columns of an oracle CSV with a header; "nan" is NaN. */
    private static double[][] csv(String name, int columns) {
        try {
            List<String> lines = Files.readAllLines(Checkout.oracle(name));
            double[][] values = new double[lines.size() - 1][columns];
            for (int r = 1; r < lines.size(); r++) {
                String[] cells = lines.get(r).split(",");
                for (int c = 0; c < columns; c++) {
                    values[r - 1][c] =
                            cells[c].equals("nan") ? Double.NaN : Double.parseDouble(cells[c]);
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
