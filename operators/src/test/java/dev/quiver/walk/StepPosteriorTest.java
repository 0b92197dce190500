package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.quiver.bayes.NormalInverseGammaPosterior;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * The step posterior against two oracles (the bayes kernel fed the increments directly, and the
 * textbook NIG update computed from scratch), and a posterior-driven walk's final position against
 * the moments of a sum of iid Student-t steps.
 */
class StepPosteriorTest {

    private static final double MU0 = 0.5;
    private static final double KAPPA0 = 2.0;
    private static final double ALPHA0 = 1.5;
    private static final double BETA0 = 3.0;

    private static NormalInverseGammaPosterior prior() {
        return NormalInverseGammaPosterior.withPrior(MU0, KAPPA0, ALPHA0, BETA0);
    }

    @Test
    void predictiveAfterEachLevelIsTheNigPredictiveOfTheIncrementsSoFar() {
        SplittableRandom random = new SplittableRandom(8_191L);
        StepPosterior steps = StepPosterior.withPrior(prior());
        NormalInverseGammaPosterior direct = prior();
        double[] increments = new double[200];
        double level = 1e4;
        steps.observe(level);
        // One level, no increment: the prior predictive.
        assertThat(steps.predictive()).isEqualTo(textbookPredictive(increments, 0));
        for (int i = 0; i < increments.length; i++) {
            increments[i] = 0.3 + 2.0 * random.nextGaussian();
            double previous = level;
            level += increments[i];
            steps.observe(level);
            // The bayes kernel fed the increment as the walk stage computes it.
            direct.update(level - previous);
            WalkModel predictive = steps.predictive();
            WalkModel expected = textbookPredictive(increments, i + 1);
            assertThat(predictive.kind()).isEqualTo(WalkModel.Kind.STUDENT_T);
            assertThat(predictive.dof()).isEqualTo(expected.dof());
            // 1e-11 absolute: a level near 1e4 rounds its increment by up to half an ulp of 1e4
            // (9.1e-13), and Welford's mean and m2 differ from the two-pass ones by a few ulps
            // of values of order 1 (location about 0.3, scale about 2).
            assertThat(predictive.location()).isCloseTo(expected.location(), within(1e-11));
            assertThat(predictive.scale()).isCloseTo(expected.scale(), within(1e-11));
            assertThat(predictive).isEqualTo(StepPosterior.predictive(direct));
        }
        assertThat(steps.increments().getN()).isEqualTo(increments.length);
        assertThat(steps.level()).isEqualTo(level);
    }

    /** Murphy (2007) section 6, from the increments' two-pass mean and squared deviations. */
    private static WalkModel textbookPredictive(double[] increments, int n) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += increments[i];
        }
        mean = n == 0 ? 0 : mean / n;
        double m2 = 0;
        for (int i = 0; i < n; i++) {
            m2 += (increments[i] - mean) * (increments[i] - mean);
        }
        double kappa = KAPPA0 + n;
        double mu = (KAPPA0 * MU0 + n * mean) / kappa;
        double alpha = ALPHA0 + n / 2.0;
        double beta = BETA0 + m2 / 2 + KAPPA0 * n * (mean - MU0) * (mean - MU0) / (2 * kappa);
        return WalkModel.studentT(mu, Math.sqrt(beta * (kappa + 1) / (alpha * kappa)), 2 * alpha);
    }

    @Test
    void invalidLevelsAreRefusedAndChangeNothing() {
        StepPosterior steps = StepPosterior.withPrior(prior());
        assertThat(steps.invalidReason(Double.NaN)).isEqualTo("level must be finite, got NaN");
        steps.observe(-1e100);
        WalkModel before = steps.predictive();
        assertThat(steps.invalidReason(1e100))
                .startsWith("step from level -1.0E100 to 1.0E100: normal needs a finite value");
        assertThatThrownBy(() -> steps.observe(1e100)).hasMessageContaining("magnitude at most");
        assertThat(steps.level()).isEqualTo(-1e100);
        assertThat(steps.increments().isEmpty()).isTrue();
        assertThat(steps.predictive()).isEqualTo(before);
        assertThatThrownBy(
                        () -> {
                            NormalInverseGammaPosterior used = prior();
                            used.update(1.0);
                            StepPosterior.withPrior(used);
                        })
                .hasMessage("the step prior must be empty, got n = 1.0");
        NormalInverseGammaPosterior learned = prior();
        learned.update(0.5);
        assertThatThrownBy(() -> StepPosterior.restore(learned, Double.NaN))
                .hasMessage("a key without a level cannot have increments, got n = 1.0");
    }

    /**
     * n iid Student-t steps: E S_n = n location, Var S_n = n scale^2 dof / (dof - 2). With M paths
     * the sample mean has standard error sqrt(Var / M) and the sample variance sqrt((kappa4 + 2
     * Var^2) / M), kappa4 = n 6 s^4 / (dof - 4) the sum's fourth cumulant (s^2 the step variance);
     * both must lie within 4 standard errors (two-sided 6e-5 per check), over three fixed seeds.
     */
    @Test
    void posteriorWalkFinalPositionHasTheStudentTSumMoments() {
        SplittableRandom random = new SplittableRandom(31_337L);
        StepPosterior steps = StepPosterior.withPrior(prior());
        double level = 50.0;
        steps.observe(level);
        for (int i = 0; i < 12; i++) {
            level += -0.4 + 1.5 * random.nextGaussian();
            steps.observe(level);
        }
        WalkModel law = steps.predictive();
        assertThat(law.dof()).isEqualTo(2 * ALPHA0 + 12);
        int n = 64;
        int paths = 40_000;
        double stepVariance = law.scale() * law.scale() * law.dof() / (law.dof() - 2);
        double mean = n * law.location();
        double variance = n * stepVariance;
        double kappa4 = n * 6 * stepVariance * stepVariance / (law.dof() - 4);
        double meanError = Math.sqrt(variance / paths);
        double varianceError = Math.sqrt((kappa4 + 2 * variance * variance) / paths);
        WalkSpec spec = WalkSpec.finalPositions(law, n, paths);
        for (long seed : new long[] {1L, 2L, 3L}) {
            WalkResult result = Simulations.simulate(spec, seed, "key-" + seed, 12, level);
            assertThat(result.mean() - level).isCloseTo(mean, within(4 * meanError));
            assertThat(result.variance()).isCloseTo(variance, within(4 * varianceError));
        }
        WalkExact exact = WalkExact.of(spec);
        assertThat(exact.mean()).isCloseTo(mean, within(1e-12 * Math.abs(mean)));
        assertThat(exact.variance()).isCloseTo(variance, within(1e-12 * variance));
    }

    @Test
    void aPosteriorIsLearnedFromThePriorWhoseHyperparametersItCarries() {
        NormalInverseGammaPosterior prior = NormalInverseGammaPosterior.withPrior(0.0, 1.0, 2.0, 2.0);
        NormalInverseGammaPosterior learned = prior.copy();
        learned.update(1.5);
        learned.update(-0.5);
        assertThat(StepPosterior.learnedFrom(learned, prior)).isTrue();
        assertThat(StepPosterior.learnedFrom(prior, prior)).isTrue();
        double[][] others = {{0.5, 1, 2, 2}, {0, 2, 2, 2}, {0, 1, 3, 2}, {0, 1, 2, 3}};
        for (double[] other : others) {
            NormalInverseGammaPosterior another =
                    NormalInverseGammaPosterior.withPrior(other[0], other[1], other[2], other[3]);
            assertThat(StepPosterior.learnedFrom(learned, another))
                    .as("prior %s", java.util.Arrays.toString(other))
                    .isFalse();
        }
    }
}
