package dev.quiver.bench;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes the XGBoost 3.x test fixtures of {@code operators/src/test/resources/dev/quiver/ensemble}:
 * small models trained by XGBoost 3.4.0 (xgboost4j) for every objective Quiver scores, saved in
 * JSON and UBJSON, with XGBoost's own margins and predictions for test rows that hold NaN. Run
 * once; the files are committed, so the tests need no XGBoost.
 *
 * <pre>{@code
 * java -cp bench/target/benchmarks.jar dev.quiver.bench.XgboostFixtures \
 *     operators/src/test/resources/dev/quiver/ensemble
 * }</pre>
 *
 * <p>Data: 5 features uniform in [-2, 2] from seed 20261127, 10% of test cells NaN (and 5% of
 * training cells, so the trees learn default directions); 400 training rows, 64 test rows. Each
 * model: 12 rounds, depth 3, eta 0.3, one thread, so XGBoost's own intercept estimation ({@code
 * base_score}) is in the file.
 */
public final class XgboostFixtures {

    static final int FEATURES = 5;
    static final int TRAIN_ROWS = 400;
    static final int TEST_ROWS = 64;

    private XgboostFixtures() {}

    public static void main(String[] args) throws XGBoostError, IOException {
        Path out = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(20261127L);
        float[] train = rows(random, TRAIN_ROWS, 0.05);
        float[] test = rows(random, TEST_ROWS, 0.10);
        writeRows(out.resolve("xgb3_rows.csv"), test);
        String[] objectives = {
            "reg:squarederror",
            "reg:logistic",
            "binary:logistic",
            "binary:logitraw",
            "count:poisson",
            "multi:softprob",
            "multi:softmax"
        };
        for (String objective : objectives) {
            float[] labels = labels(objective, train, random.split());
            DMatrix trainMatrix = new DMatrix(train, TRAIN_ROWS, FEATURES, Float.NaN);
            trainMatrix.setLabel(labels);
            Map<String, Object> params = new HashMap<>();
            params.put("objective", objective);
            params.put("max_depth", 3);
            params.put("eta", 0.3);
            params.put("nthread", 1);
            params.put("seed", 7);
            if (objective.startsWith("multi:")) {
                params.put("num_class", 3);
            }
            Booster booster = XGBoost.train(trainMatrix, params, 12, new HashMap<>(), null, null);
            String name = "xgb3_" + objective.replace(':', '_');
            Files.write(out.resolve(name + ".json"), booster.toByteArray("json"));
            Files.write(out.resolve(name + ".ubj"), booster.toByteArray("ubj"));
            DMatrix testMatrix = new DMatrix(test, TEST_ROWS, FEATURES, Float.NaN);
            float[][] margins = booster.predict(testMatrix, true, 0);
            float[][] predictions = booster.predict(testMatrix);
            writePredictions(out.resolve(name + "_pred.csv"), margins, predictions);
        }
    }

    private static float[] rows(SplittableRandom random, int count, double nanShare) {
        float[] rows = new float[count * FEATURES];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = random.nextDouble() < nanShare ? Float.NaN : (float) random.nextDouble(-2, 2);
        }
        return rows;
    }

    private static float[] labels(String objective, float[] rows, SplittableRandom random) {
        float[] labels = new float[TRAIN_ROWS];
        for (int r = 0; r < TRAIN_ROWS; r++) {
            double x0 = value(rows, r, 0);
            double x1 = value(rows, r, 1);
            double x2 = value(rows, r, 2);
            double signal = x0 - 0.5 * x1 + 0.8 * x2 + random.nextGaussian() * 0.3;
            switch (objective) {
                case "reg:squarederror":
                    labels[r] = (float) (3 + signal);
                    break;
                case "reg:logistic":
                    labels[r] = (float) (1 / (1 + Math.exp(-signal)));
                    break;
                case "count:poisson":
                    labels[r] = poisson(Math.exp(0.5 * signal), random);
                    break;
                case "multi:softprob":
                case "multi:softmax":
                    labels[r] = signal < -0.7 ? 0 : signal < 0.9 ? 1 : 2;
                    break;
                default:
                    labels[r] = signal > 0.3 ? 1 : 0;
            }
        }
        return labels;
    }

    private static double value(float[] rows, int row, int feature) {
        float x = rows[row * FEATURES + feature];
        return Float.isNaN(x) ? 0 : x;
    }

    /** Knuth's multiplication method; the means here are below e^3. */
    private static float poisson(double mean, SplittableRandom random) {
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    private static void writeRows(Path file, float[] rows) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int f = 0; f < FEATURES; f++) {
            csv.append(f == 0 ? "" : ",").append('f').append(f);
        }
        csv.append('\n');
        for (int r = 0; r < rows.length / FEATURES; r++) {
            for (int f = 0; f < FEATURES; f++) {
                float x = rows[r * FEATURES + f];
                csv.append(f == 0 ? "" : ",").append(Float.isNaN(x) ? "nan" : Float.toString(x));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
    }

    private static void writePredictions(Path file, float[][] margins, float[][] predictions)
            throws IOException {
        StringBuilder csv = new StringBuilder();
        int m = margins[0].length;
        int p = predictions[0].length;
        for (int k = 0; k < m; k++) {
            csv.append(k == 0 ? "" : ",").append('m').append(k);
        }
        for (int k = 0; k < p; k++) {
            csv.append(",p").append(k);
        }
        csv.append('\n');
        for (int r = 0; r < margins.length; r++) {
            for (int k = 0; k < m; k++) {
                csv.append(k == 0 ? "" : ",").append(Float.toString(margins[r][k]));
            }
            for (int k = 0; k < p; k++) {
                csv.append(',').append(String.format(Locale.ROOT, "%s", predictions[r][k]));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
    }
}
