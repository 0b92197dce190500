package dev.quiver.bayes;

/**
 * A conjugate family that reads nothing of an observation but its value: its allocation-free
 * methods take the value itself, and the {@link BayesObservation} forms hand the value to them, so
 * both forms always apply the same rule.
 *
 * <pre>{@code
 * final class Example extends ConjugateFamily<Example> implements SingleValueFamily {
 *     public String invalidValueReason(double value) { return value >= 0 ? null : "negative"; }
 *     public void update(double value) { ... }
 *     public void revert(double value) { ... }
 *     ...
 * }
 * }</pre>
 */
interface SingleValueFamily extends ConjugatePosterior {

    /** Returns {@code null} when the family accepts {@code value}, else the reason naming it. */
    String invalidValueReason(double value);

    /** Adds an observation of {@code value}; throws as {@link #update(BayesObservation)}. */
    void update(double value);

    /** Removes an earlier observation of {@code value}; throws as {@code revert(observation)}. */
    void revert(double value);

    @Override
    default String invalidReason(BayesObservation observation) {
        return invalidValueReason(observation.value());
    }

    @Override
    default void update(BayesObservation observation) {
        update(observation.value());
    }

    @Override
    default void revert(BayesObservation observation) {
        revert(observation.value());
    }
}
