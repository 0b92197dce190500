package dev.quiver.bayes;

import java.util.Objects;

/**
 * The bookkeeping every conjugate family's posterior does alike, so each family writes only its
 * statistics: {@link #merge} checks that {@code other} is the same model with the same prior and
 * then hands its data to {@link #addData}; {@link #decay} checks lambda and hands it to {@link
 * #scaleData}; {@link #checkValid} turns an {@link #invalidReason} into the exception; a posterior
 * is empty when its weight {@link #getN()} is 0.
 *
 * <p>The messages are the ones every family used before, word for word: {@code "cannot merge
 * <other model> into <model>"} and {@code "cannot merge <model> posteriors with different priors:
 * this <prior>, other <prior>"}.
 *
 * <pre>{@code
 * final class Example extends ConjugateFamily<Example> {
 *     boolean samePrior(Example other) { return priorA == other.priorA; }
 *     String priorString() { return "Example(" + priorA + ")"; }
 *     void addData(Example other) { count += other.count; }
 *     void scaleData(double lambda) { count *= lambda; }
 *     ...
 * }
 * }</pre>
 *
 * @param <P> the family's own class
 */
abstract class ConjugateFamily<P extends ConjugateFamily<P>>
        implements ConjugatePosterior, Cloneable {

    private final Class<P> family;

    ConjugateFamily(Class<P> family) {
        this.family = family;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Priors are compared exactly: both sides get theirs from the same job option, so any
     * difference is a configuration error, and adding data gathered under another prior would
     * silently change the model.
     */
    @Override
    public final void merge(ConjugatePosterior other) {
        Objects.requireNonNull(other, "other");
        if (!family.isInstance(other)) {
            throw new IllegalArgumentException(
                    "cannot merge " + other.modelName() + " into " + modelName());
        }
        mergeSameFamily(family.cast(other));
    }

    /**
     * Adds the data of a posterior of this family after checking that its prior is this one's;
     * {@code other} is unchanged, and may be this posterior (its data then doubles).
     *
     * @throws IllegalArgumentException if the priors differ (exact comparison)
     */
    final void mergeSameFamily(P other) {
        Objects.requireNonNull(other, "other");
        if (!samePrior(other)) {
            throw new IllegalArgumentException(
                    "cannot merge "
                            + modelName()
                            + " posteriors with different priors: this "
                            + priorString()
                            + ", other "
                            + other.priorString());
        }
        addData(other);
    }

    @Override
    public final void decay(double lambda) {
        PosteriorChecks.checkDecay(lambda);
        scaleData(lambda);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: whether {@link #getN()} is 0. A family whose state can hold more than its weight
     * (such as categories) says so itself.
     */
    @Override
    public boolean isEmpty() {
        return getN() == 0.0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: a copy of every field, bit for bit the same state, for the families whose state is
     * primitives and immutable objects only. A family that holds arrays or other mutable objects
     * overrides it to copy those.
     */
    @Override
    public P copy() {
        try {
            return family.cast(clone());
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("a ConjugateFamily is Cloneable", e);
        }
    }

    /** Throws {@link IllegalArgumentException} with the reason when the observation is invalid. */
    final void checkValid(BayesObservation observation) {
        final String reason = invalidReason(observation);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
    }

    /** Whether {@code other} has exactly this prior (and configuration). */
    abstract boolean samePrior(P other);

    /** The prior as merge messages show it, e.g. {@code "Beta(1.0, 1.0)"}. */
    abstract String priorString();

    /**
     * Adds the data of {@code other}, whose prior is this one's. May throw (changing nothing) when
     * the family has its own limit on the union.
     */
    abstract void addData(P other);

    /** Multiplies the data's statistics by {@code lambda}, already checked to be in (0, 1]. */
    abstract void scaleData(double lambda);
}
