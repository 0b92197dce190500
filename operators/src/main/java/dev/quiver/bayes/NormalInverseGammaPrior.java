package dev.quiver.bayes;

/**
 * A Normal-Inverse-Gamma prior NIG(mean, kappa, alpha, beta): sigma2 ~ InvGamma(alpha, beta) and
 * mu | sigma2 ~ N(mean, sigma2 / kappa). The one place that checks, writes and reads these four
 * numbers for the models built on them, {@link NormalInverseGammaPosterior} and {@link
 * ChangePointDetector}, so both accept and persist the same priors.
 *
 * <pre>{@code
 * NormalInverseGammaPrior prior = new NormalInverseGammaPrior(0.0, 1.0, 2.0, 2.0);
 * prior.write(writer);                                     // mean, kappa, alpha, beta
 * NormalInverseGammaPrior read = NormalInverseGammaPrior.read(reader);
 * }</pre>
 *
 * @param mean mu0, finite with magnitude at most {@value NormalInverseGammaPosterior#MAX_ABS_VALUE}
 * @param kappa kappa0, the prior's weight on the mean in pseudo-observations
 * @param alpha alpha0, the shape of the variance's prior
 * @param beta beta0, the scale of the variance's prior
 */
public record NormalInverseGammaPrior(double mean, double kappa, double alpha, double beta) {

    /**
     * Improper priors (0) are not allowed because the empty posterior must be a distribution; the
     * upper bounds keep sums of squared deviations finite.
     *
     * @throws IllegalArgumentException unless {@code mean} is finite with magnitude at most 1e100
     *     and kappa, alpha and beta are finite, &gt; 0 and at most 1e100; the message names the
     *     parameter and its value
     */
    public NormalInverseGammaPrior {
        if (!(Math.abs(mean) <= NormalInverseGammaPosterior.MAX_ABS_VALUE)) {
            throw new IllegalArgumentException(
                    "prior mean must be finite with magnitude at most "
                            + NormalInverseGammaPosterior.MAX_ABS_VALUE
                            + ", got "
                            + mean);
        }
        checkParameter("kappa", kappa);
        checkParameter("alpha", alpha);
        checkParameter("beta", beta);
    }

    private static void checkParameter(String name, double value) {
        PosteriorChecks.checkPrior(name, value);
        if (value > NormalInverseGammaPosterior.MAX_PRIOR_PARAMETER) {
            throw new IllegalArgumentException(
                    "prior "
                            + name
                            + " must be at most "
                            + NormalInverseGammaPosterior.MAX_PRIOR_PARAMETER
                            + ", got "
                            + value);
        }
    }

    /**
     * Reads the four doubles {@link #write} wrote; a prior the constructor refuses is corrupted
     * state.
     */
    static NormalInverseGammaPrior read(StateReader reader) {
        final double mean = reader.finiteDouble("prior mean");
        final double kappa = reader.positiveDouble("prior kappa");
        final double alpha = reader.positiveDouble("prior alpha");
        final double beta = reader.positiveDouble("prior beta");
        try {
            return new NormalInverseGammaPrior(mean, kappa, alpha, beta);
        } catch (IllegalArgumentException e) {
            throw StateReader.corrupted(e.getMessage());
        }
    }

    /** Writes mean, kappa, alpha and beta, in that order. */
    StateWriter write(StateWriter writer) {
        return writer.putDouble(mean).putDouble(kappa).putDouble(alpha).putDouble(beta);
    }

    /** Returns {@code "NIG(mean, kappa, alpha, beta)"}, as merge messages show a prior. */
    @Override
    public String toString() {
        return "NIG(" + mean + ", " + kappa + ", " + alpha + ", " + beta + ")";
    }
}
