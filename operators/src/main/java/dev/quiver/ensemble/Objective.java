package dev.quiver.ensemble;

import java.util.Locale;

/**
 * The XGBoost objectives Quiver scores, and what each makes of a row's margins.
 *
 * <table>
 *   <caption>Outputs per objective (m: the margin, XGBoost's {@code output_margin=True})</caption>
 *   <tr><th>objective</th><th>base margin from base_score b</th><th>prediction</th>
 *       <th>probabilities</th></tr>
 *   <tr><td>reg:squarederror</td><td>b</td><td>m</td><td>none</td></tr>
 *   <tr><td>reg:logistic</td><td>logit(b)</td><td>1 / (1 + e^-m)</td><td>none</td></tr>
 *   <tr><td>binary:logistic</td><td>logit(b)</td><td>p = 1 / (1 + e^-m)</td>
 *       <td>[1 - p, p]</td></tr>
 *   <tr><td>binary:logitraw</td><td>b</td><td>m</td><td>none</td></tr>
 *   <tr><td>count:poisson</td><td>ln b</td><td>e^m</td><td>none</td></tr>
 *   <tr><td>multi:softprob</td><td>b (per class)</td><td>the most probable class</td>
 *       <td>softmax(m)</td></tr>
 *   <tr><td>multi:softmax</td><td>b (per class)</td><td>the most probable class</td>
 *       <td>softmax(m)</td></tr>
 * </table>
 *
 * <p>The base-margin column is XGBoost's {@code ProbToMargin}, the same from 1.7 to 3.x: the file
 * stores {@code base_score} in the response's scale and the trainer turns it into a margin when it
 * loads the model; {@code binary:logitraw} and the multi-class objectives have no such transform
 * (3.x stores a multi-class intercept already as margins, one per class). The logit is computed as
 * XGBoost computes it, {@code -log(1/b - 1)} in float32, with b clamped to {@code [1e-6, 1 - 1e-6]}
 * as 3.x does (1.7 and 2.x refuse b outside (0, 1); inside it the two agree). The most probable
 * class is the first of the largest, as XGBoost's {@code argmax}. Transforms are computed in double
 * from the float32 margins.
 *
 * <pre>{@code
 * Objective objective = Objective.fromXgboostName("binary:logistic");
 * float baseMargin = objective.baseMargin(0.5f);  // 0: logit(0.5)
 * int classes = objective.classCount(1);          // 2: probabilities [1 - p, p]
 * }</pre>
 */
public enum Objective {
    /** Squared-error regression: the margin is the prediction. */
    REG_SQUAREDERROR("reg:squarederror"),
    /** Logistic regression onto [0, 1]: the prediction is the sigmoid of the margin. */
    REG_LOGISTIC("reg:logistic"),
    /** Binary classification: the probability of class 1 is the sigmoid of the margin. */
    BINARY_LOGISTIC("binary:logistic"),
    /** Binary classification scored by its raw margin. */
    BINARY_LOGITRAW("binary:logitraw"),
    /** Poisson regression of counts: the prediction is the exponential of the margin. */
    COUNT_POISSON("count:poisson"),
    /** Multi-class classification with one margin per class and softmax probabilities. */
    MULTI_SOFTPROB("multi:softprob"),
    /** As {@link #MULTI_SOFTPROB}; XGBoost's {@code predict()} gives the class index. */
    MULTI_SOFTMAX("multi:softmax");

    /** XGBoost's {@code kRtEps}: the clamp of a logistic base_score in 3.x. */
    private static final float LOGISTIC_BASE_EPSILON = 1e-6f;

    private final String xgboostName;

    Objective(String xgboostName) {
        this.xgboostName = xgboostName;
    }

    /** The objective's name in XGBoost, e.g. {@code "binary:logistic"}. */
    public String xgboostName() {
        return xgboostName;
    }

    /**
     * The objective with XGBoost name {@code name}; refuses any other with the name in the message.
     */
    public static Objective fromXgboostName(String name) {
        for (Objective objective : values()) {
            if (objective.xgboostName.equals(name)) {
                return objective;
            }
        }
        throw new ModelFormatException(
                "objective '" + name + "' is not supported; supported: " + supportedNames());
    }

    /** Whether this objective has one margin per class. */
    public boolean isMultiClass() {
        return this == MULTI_SOFTPROB || this == MULTI_SOFTMAX;
    }

    /**
     * How many class probabilities a row gets: 2 for {@code binary:logistic}, the number of margins
     * for the multi-class objectives, 0 for the others.
     */
    public int classCount(int marginCount) {
        if (this == BINARY_LOGISTIC) {
            return 2;
        }
        return isMultiClass() ? marginCount : 0;
    }

    /** XGBoost's {@code ProbToMargin}: the margin that {@code base_score} stands for. */
    public float baseMargin(float baseScore) {
        switch (this) {
            case REG_LOGISTIC:
            case BINARY_LOGISTIC:
                if (!(baseScore >= 0f && baseScore <= 1f)) {
                    throw new ModelFormatException(
                            "base_score must be in (0, 1) for "
                                    + xgboostName
                                    + ", got "
                                    + baseScore);
                }
                float clamped =
                        Math.min(
                                Math.max(baseScore, LOGISTIC_BASE_EPSILON),
                                1f - LOGISTIC_BASE_EPSILON);
                return (float) -Math.log(1.0f / clamped - 1.0f);
            case COUNT_POISSON:
                if (!(baseScore > 0f) || baseScore == Float.POSITIVE_INFINITY) {
                    throw new ModelFormatException(
                            "base_score must be positive for "
                                    + xgboostName
                                    + ", got "
                                    + baseScore);
                }
                return (float) Math.log(baseScore);
            default:
                if (!Float.isFinite(baseScore)) {
                    throw new ModelFormatException("base_score must be finite, got " + baseScore);
                }
                return baseScore;
        }
    }

    /**
     * Writes row {@code row}'s prediction and probabilities from its margins, which {@code out}
     * already holds.
     */
    void finish(ScoreBuffer out, int row) {
        int marginCount = out.marginCount();
        double[] margins = out.margins;
        int first = row * marginCount;
        double m = margins[first];
        switch (this) {
            case REG_SQUAREDERROR:
            case BINARY_LOGITRAW:
                out.predictions[row] = m;
                break;
            case REG_LOGISTIC:
                out.predictions[row] = sigmoid(m);
                break;
            case BINARY_LOGISTIC:
                double p = sigmoid(m);
                out.predictions[row] = p;
                out.probabilities[2 * row] = 1 - p;
                out.probabilities[2 * row + 1] = p;
                break;
            case COUNT_POISSON:
                out.predictions[row] = Math.exp(m);
                break;
            default:
                out.predictions[row] =
                        softmax(margins, first, marginCount, out.probabilities, first);
        }
    }

    static double sigmoid(double margin) {
        return 1.0 / (1.0 + Math.exp(-margin));
    }

    /**
     * Softmax of {@code count} values from {@code from} into {@code to}, shifted by their maximum
     * so the exponentials cannot overflow; returns the index of the first largest value.
     */
    static int softmax(double[] values, int from, int count, double[] out, int to) {
        int best = 0;
        for (int k = 1; k < count; k++) {
            if (values[from + k] > values[from + best]) {
                best = k;
            }
        }
        double max = values[from + best];
        double sum = 0;
        for (int k = 0; k < count; k++) {
            double e = Math.exp(values[from + k] - max);
            out[to + k] = e;
            sum += e;
        }
        for (int k = 0; k < count; k++) {
            out[to + k] /= sum;
        }
        return best;
    }

    private static String supportedNames() {
        StringBuilder names = new StringBuilder();
        for (Objective objective : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(objective.xgboostName);
        }
        return names.toString().toLowerCase(Locale.ROOT);
    }
}
