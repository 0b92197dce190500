package dev.quiver.bayes;

/**
 * The configuration of a {@link BayesianLinearRegression}: the dimension and the
 * Normal-Inverse-Gamma prior {@code w | σ² ~ N(0, σ² I / weightPrecision)}, {@code σ² ~
 * InvGamma(noiseShape, noiseScale)}. The one place that checks, hashes, writes and reads these
 * four numbers, as {@link NormalInverseGammaPrior} is for the Normal models.
 *
 * <pre>{@code
 * RegressionPrior prior = new RegressionPrior(3, 1.0, 2.0, 2.0);
 * prior.write(writer);                          // dimension, then the three prior parameters
 * RegressionPrior read = RegressionPrior.read(reader);
 * }</pre>
 *
 * @param dimension the number of features d, in {@code [1, 1000]}
 * @param weightPrecision α, the prior precision of each coefficient in units of {@code 1/σ²}
 * @param noiseShape a0, the Inverse-Gamma shape of σ²
 * @param noiseScale b0, the Inverse-Gamma scale of σ²
 */
record RegressionPrior(
        int dimension, double weightPrecision, double noiseShape, double noiseScale) {

    /**
     * @throws IllegalArgumentException if an argument is out of range; the message names it and its
     *     value
     */
    RegressionPrior {
        if (dimension < 1 || dimension > BayesianLinearRegression.MAX_DIMENSION) {
            throw new IllegalArgumentException(
                    BayesianLinearRegression.MODEL
                            + " dimension must be in [1, "
                            + BayesianLinearRegression.MAX_DIMENSION
                            + "], got "
                            + dimension);
        }
        checkParameter("weight precision", weightPrecision);
        checkParameter("noise shape", noiseShape);
        checkParameter("noise scale", noiseScale);
    }

    private static void checkParameter(String name, double value) {
        if (!inRange(value)) {
            throw new IllegalArgumentException(
                    "prior "
                            + name
                            + " must be finite and in ["
                            + BayesianLinearRegression.MIN_PRIOR
                            + ", "
                            + BayesianLinearRegression.MAX_PRIOR
                            + "], got "
                            + value);
        }
    }

    private static boolean inRange(double value) {
        return value >= BayesianLinearRegression.MIN_PRIOR
                && value <= BayesianLinearRegression.MAX_PRIOR;
    }

    /** Reads what {@link #write} wrote; a prior the constructor refuses is corrupted state. */
    static RegressionPrior read(StateReader reader) {
        final int dimension =
                reader.intInRange("dimension", 1, BayesianLinearRegression.MAX_DIMENSION);
        final double weightPrecision = readParameter(reader, "prior weight precision");
        final double noiseShape = readParameter(reader, "prior noise shape");
        final double noiseScale = readParameter(reader, "prior noise scale");
        return new RegressionPrior(dimension, weightPrecision, noiseShape, noiseScale);
    }

    private static double readParameter(StateReader reader, String name) {
        final double value = reader.positiveDouble(name);
        if (!inRange(value)) {
            throw StateReader.corrupted(
                    name
                            + " "
                            + value
                            + " is not in ["
                            + BayesianLinearRegression.MIN_PRIOR
                            + ", "
                            + BayesianLinearRegression.MAX_PRIOR
                            + "]");
        }
        return value;
    }

    /** Writes the dimension, weight precision, noise shape and noise scale, in that order. */
    StateWriter write(StateWriter writer) {
        return writer.putInt(dimension)
                .putDouble(weightPrecision)
                .putDouble(noiseShape)
                .putDouble(noiseScale);
    }

    /** The hash of the four numbers that the state's preamble carries. */
    int configHash() {
        return PosteriorStateFormat.configHash(dimension, weightPrecision, noiseShape, noiseScale);
    }

    /** Returns {@code "d=..., alpha=..., a0=..., b0=..."}, as merge messages show it. */
    @Override
    public String toString() {
        // %s prints numbers as string concatenation does, whatever the locale.
        return String.format(
                "d=%s, alpha=%s, a0=%s, b0=%s", dimension, weightPrecision, noiseShape, noiseScale);
    }
}
