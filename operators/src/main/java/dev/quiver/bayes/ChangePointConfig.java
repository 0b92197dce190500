package dev.quiver.bayes;

import java.util.Objects;

/**
 * The configuration of a {@link ChangePointDetector}: the Normal-Inverse-Gamma prior of each run's
 * mean and variance, the expected run length and the two run-length bounds. It is what a detector's
 * state bytes must match to be restored, so it is written, hashed and read here, in one place.
 *
 * <pre>{@code
 * NormalInverseGammaPrior prior = new NormalInverseGammaPrior(0.0, 0.1, 1.0, 1.0);
 * ChangePointConfig config = new ChangePointConfig(prior, 200.0, 500, 10);
 * ChangePointDetector detector = ChangePointDetector.create(config);
 * }</pre>
 *
 * @param prior the Normal-Inverse-Gamma prior of each run's mean and variance; updates are fastest
 *     when 2 alpha0 is a whole number
 * @param hazardLambda the expected run length lambda; the hazard is H = 1 / lambda
 * @param maxRunLength M, the longest run length tracked separately; longer ones share bin M
 * @param shortRunWindow w, the change signal is P(run length &lt; w)
 */
public record ChangePointConfig(
        NormalInverseGammaPrior prior, double hazardLambda, int maxRunLength, int shortRunWindow) {

    /**
     * @throws IllegalArgumentException unless lambda is finite and &gt; 1, 1 &le; M &le; {@value
     *     ChangePointDetector#MAX_MAX_RUN_LENGTH} and 1 &le; w &le; M; the message names the bad
     *     value
     * @throws NullPointerException if {@code prior} is null
     */
    public ChangePointConfig {
        Objects.requireNonNull(prior, "prior");
        if (!(hazardLambda > 1.0 && hazardLambda < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(
                    "hazard lambda must be finite and > 1, got " + hazardLambda);
        }
        if (maxRunLength < 1 || maxRunLength > ChangePointDetector.MAX_MAX_RUN_LENGTH) {
            throw new IllegalArgumentException(
                    "max run length must be in [1, "
                            + ChangePointDetector.MAX_MAX_RUN_LENGTH
                            + "], got "
                            + maxRunLength);
        }
        if (shortRunWindow < 1 || shortRunWindow > maxRunLength) {
            throw new IllegalArgumentException(
                    "short-run window must be in [1, max run length "
                            + maxRunLength
                            + "], got "
                            + shortRunWindow);
        }
    }

    /**
     * The config hash of the detector's state: {@code PosteriorStateFormat.configHash} of the seven
     * numbers in order, the two ints as doubles. Part of the serial format: never change it.
     */
    int configHash() {
        return PosteriorStateFormat.configHash(
                prior.mean(),
                prior.kappa(),
                prior.alpha(),
                prior.beta(),
                hazardLambda,
                maxRunLength,
                shortRunWindow);
    }

    /** Writes the prior's and lambda's doubles, then the int32s maxRunLength and shortRunWindow. */
    StateWriter write(StateWriter writer) {
        return prior.write(writer)
                .putDouble(hazardLambda)
                .putInt(maxRunLength)
                .putInt(shortRunWindow);
    }

    /** Reads what {@link #write} wrote; a configuration the constructor refuses is corrupted. */
    static ChangePointConfig read(StateReader reader) {
        final NormalInverseGammaPrior prior = NormalInverseGammaPrior.read(reader);
        final double hazardLambda = reader.positiveDouble("hazard lambda");
        final int maxRunLength =
                reader.intInRange("max run length", 1, ChangePointDetector.MAX_MAX_RUN_LENGTH);
        final int shortRunWindow = reader.intInRange("short-run window", 1, maxRunLength);
        try {
            return new ChangePointConfig(prior, hazardLambda, maxRunLength, shortRunWindow);
        } catch (IllegalArgumentException e) {
            throw StateReader.corrupted(e.getMessage());
        }
    }
}
