package dev.quiver.walk;

import dev.quiver.bayes.NormalInverseGammaPosterior;

import java.util.Objects;

/**
 * The {@code bayes} kernel's Normal-Inverse-Gamma posterior over the steps of one key's level
 * series, and the step law it predicts: the posterior-driven walk.
 *
 * <p>What is learned: the observations of a key are levels {@code x_0, x_1, ...} (the walk starts
 * at the latest one), and the steps are their increments {@code d_i = x_i - x_(i-1)}, modelled as
 * iid {@code N(mu, sigma2)} with {@code (mu, sigma2)} unknown under the NIG prior. The first level
 * of a key only sets the level; each later level adds its increment to the posterior ({@link
 * NormalInverseGammaPosterior#update(double)}, Welford's step). After the increments up to {@code
 * x_i}, the law of the next step is the posterior predictive, Student-t with {@code dof = 2
 * alphan}, {@code location = mun} and {@code scale = sqrt(betan (kappan + 1) / (alphan kappan))}
 * (K. P. Murphy, <i>Conjugate Bayesian analysis of the Gaussian distribution</i>, 2007, eq. 100);
 * {@link #predictive()} returns it as a {@link WalkModel#studentT}. A key with no increment yet
 * (one level) gets the prior predictive, the same formula at {@code n = 0}: a proper law, since
 * every NIG prior here is proper.
 *
 * <p>A walk of {@code n} such steps draws each step independently from the predictive, as a
 * forecast that holds the posterior fixed over the horizon (it does not sample one {@code (mu,
 * sigma2)} per path): {@code E S_n = n location} for {@code dof > 1} and {@code Var S_n = n scale^2
 * dof / (dof - 2)} for {@code dof > 2}, which {@link WalkExact} reports beside the simulated
 * values.
 *
 * <p>Bad input: a level whose increment is not a valid NIG value (non-finite, or of magnitude over
 * {@value NormalInverseGammaPosterior#MAX_ABS_VALUE}) is refused by {@link #invalidReason} and
 * changes nothing. Not thread-safe; {@link #observe} does not allocate.
 *
 * <pre>{@code
 * StepPosterior steps =
 *         StepPosterior.withPrior(NormalInverseGammaPosterior.withPrior(0.0, 1.0, 2.0, 2.0));
 * steps.observe(100.0);            // the first level: no increment yet
 * WalkModel prior = steps.predictive(); // the prior predictive: student-t(0, 1.414..., 4)
 * steps.observe(101.5);            // increment +1.5
 * steps.observe(101.0);            // increment -0.5
 * steps.increments().getN();       // 2.0
 * WalkModel next = steps.predictive(); // location 0.333..., dof 6
 * }</pre>
 */
public final class StepPosterior {

    private final NormalInverseGammaPosterior increments;
    private double level;

    private StepPosterior(NormalInverseGammaPosterior increments, double level) {
        this.increments = increments;
        this.level = level;
    }

    /**
     * A key with no level yet: {@code prior} (an empty posterior, copied) will learn its
     * increments.
     *
     * @throws IllegalArgumentException if {@code prior} already holds data
     */
    public static StepPosterior withPrior(NormalInverseGammaPosterior prior) {
        if (!prior.isEmpty()) {
            throw new IllegalArgumentException(
                    "the step prior must be empty, got n = " + prior.getN());
        }
        return new StepPosterior(prior.copy(), Double.NaN);
    }

    /**
     * A key restored from its state: the posterior of its increments and its latest level (NaN for
     * none, in which case the posterior must be empty).
     */
    public static StepPosterior restore(NormalInverseGammaPosterior increments, double level) {
        Objects.requireNonNull(increments, "increments");
        if (Double.isNaN(level) && !increments.isEmpty()) {
            throw new IllegalArgumentException(
                    "a key without a level cannot have increments, got n = " + increments.getN());
        }
        return new StepPosterior(increments, level);
    }

    /**
     * Whether the posterior of a key's increments was learned from {@code prior}: the same four
     * hyperparameters. A restored key must pass this, or its forecasts would mix two
     * priors.
     */
    public static boolean learnedFrom(
            NormalInverseGammaPosterior increments, NormalInverseGammaPosterior prior) {
        return increments.priorMean() == prior.priorMean()
                && increments.priorKappa() == prior.priorKappa()
                && increments.priorAlpha() == prior.priorAlpha()
                && increments.priorBeta() == prior.priorBeta();
    }

    /**
     * Null when {@code newLevel} can be observed, else the reason: the level must be finite and its
     * increment from the latest level a valid NIG value.
     */
    public String invalidReason(double newLevel) {
        if (!Double.isFinite(newLevel)) {
            return "level must be finite, got " + newLevel;
        }
        if (Double.isNaN(level)) {
            return null;
        }
        String reason = increments.invalidValueReason(newLevel - level);
        return reason == null
                ? null
                : "step from level " + level + " to " + newLevel + ": " + reason;
    }

    /**
     * Adds the level: the first one is only remembered, each later one adds its increment.
     *
     * @throws IllegalArgumentException if {@link #invalidReason} refuses it; nothing changes then
     */
    public void observe(double newLevel) {
        String reason = invalidReason(newLevel);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        if (!Double.isNaN(level)) {
            increments.update(newLevel - level);
        }
        level = newLevel;
    }

    /** The law of the next step given the increments so far (the prior predictive for none). */
    public WalkModel predictive() {
        return predictive(increments);
    }

    /**
     * The posterior predictive of a NIG posterior as a step law: Student-t with {@code dof = 2
     * alphan}, {@code location = mun}, {@code scale = sqrt(betan (kappan + 1) / (alphan kappan))}.
     */
    public static WalkModel predictive(NormalInverseGammaPosterior posterior) {
        double kappa = posterior.kappa();
        double alpha = posterior.alpha();
        double scale = Math.sqrt(posterior.beta() * (kappa + 1.0) / (alpha * kappa));
        return WalkModel.studentT(posterior.mu(), scale, 2.0 * alpha);
    }

    /** The posterior of the increments seen so far (live: not a copy). */
    public NormalInverseGammaPosterior increments() {
        return increments;
    }

    /** The latest level; NaN before the first. */
    public double level() {
        return level;
    }
}
