package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.random.RandomDataGenerator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/** Behaviour of {@link DirichletMultinomialPosterior} beyond the generic contract. */
class DirichletMultinomialPosteriorTest {

    private static final long SEED = 0xD1_C41EL;

    private static DirichletMultinomialPosterior updatedWith(
            double concentration, int maxCategories, String... categories) {
        final DirichletMultinomialPosterior posterior =
                DirichletMultinomialPosterior.withPrior(concentration, maxCategories);
        for (String category : categories) {
            posterior.update(BayesObservation.ofCategory(category));
        }
        return posterior;
    }

    private static double logPredictive(DirichletMultinomialPosterior posterior, String category) {
        return posterior.logPredictive(BayesObservation.ofCategory(category));
    }

    @Test
    void withPriorRejectsABadConcentrationOrMaximum() {
        assertThatThrownBy(() -> DirichletMultinomialPosterior.withPrior(0.0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prior concentration");
        assertThatThrownBy(() -> DirichletMultinomialPosterior.withPrior(1.0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max categories must be >= 2, got 1");
    }

    @Test
    void sequentialUpdatesEqualTheBatchCounts() {
        final SplittableRandom random = new SplittableRandom(SEED);
        final DirichletMultinomialPosterior posterior =
                DirichletMultinomialPosterior.withPrior(0.7, 10);
        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 1; i <= 1000; i++) {
            final String category = "c" + random.nextInt(10);
            posterior.update(BayesObservation.ofCategory(category));
            counts.merge(category, 1, Integer::sum);
            for (Map.Entry<String, Integer> entry : counts.entrySet()) {
                assertThat(posterior.alpha(entry.getKey())).isEqualTo(0.7 + entry.getValue());
            }
            assertThat(posterior.getN()).isEqualTo(i);
        }
        assertThat(posterior.categories())
                .containsExactlyElementsOf(counts.keySet().stream().sorted().toList());
    }

    @Test
    void stateBytesDoNotDependOnTheOrderOfTheData() {
        final List<String> categories = new ArrayList<>();
        for (String name : new String[] {"x", "b", "é", "a", "b", "zz", "x", "b"}) {
            categories.add(name);
        }
        final byte[] reference = updatedWith(1.0, 6, categories.toArray(String[]::new)).toBytes();
        final Random shuffler = new Random(SEED);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(categories, shuffler);
            assertThat(updatedWith(1.0, 6, categories.toArray(String[]::new)).toBytes())
                    .isEqualTo(reference);
        }
    }

    @Test
    void aNewCategoryPastTheMaximumIsInvalidButSeenOnesStayValid() {
        final DirichletMultinomialPosterior posterior = updatedWith(1.0, 2, "red", "blue");
        final byte[] before = posterior.toBytes();
        final BayesObservation green = BayesObservation.ofCategory("green");
        assertThat(posterior.invalidReason(green))
                .isEqualTo(
                        "dirichlet already has its maximum of 2 categories, got new category"
                                + " 'green'");
        assertThatThrownBy(() -> posterior.update(green))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maximum of 2");
        assertThatThrownBy(() -> posterior.logPredictive(green))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(posterior.toBytes()).isEqualTo(before);
        assertThat(posterior.invalidReason(BayesObservation.ofCategory("red"))).isNull();
    }

    @Test
    void categoriesLongerThanTheLimitAreInvalidAndTheMessageIsShort() {
        final DirichletMultinomialPosterior posterior =
                DirichletMultinomialPosterior.withPrior(1, 3);
        final String longest = "é".repeat(512);
        assertThat(posterior.invalidReason(BayesObservation.ofCategory(longest))).isNull();
        final String reason =
                posterior.invalidReason(BayesObservation.ofCategory("a".repeat(5000)));
        assertThat(reason).startsWith("dirichlet needs a category of at most 1024 UTF-8 bytes");
        assertThat(reason).hasSizeLessThan(200);
    }

    @Test
    void predictiveOfSeenAndFreeSlotsSumsToOne() {
        final DirichletMultinomialPosterior posterior =
                updatedWith(0.5, 5, "red", "red", "blue", "green", "red");
        double total = 0.0;
        for (String seen : posterior.categories()) {
            total += Math.exp(logPredictive(posterior, seen));
        }
        // Two free slots, each with the unseen-category probability.
        total += 2 * Math.exp(logPredictive(posterior, "violet"));
        assertThat(total).isCloseTo(1.0, within(1e-15));
        // A = 5 * 0.5 + 5 = 7.5: red has 0.5 + 3.
        assertThat(logPredictive(posterior, "red")).isCloseTo(Math.log(3.5 / 7.5), within(1e-15));
        assertThat(logPredictive(posterior, "violet"))
                .isCloseTo(Math.log(0.5 / 7.5), within(1e-15));
    }

    /**
     * The evidence as the ratio of rising factorials, prod_c (alpha0)_(n_c) / (M alpha0)_n,
     * multiplied out term by term: no gamma function involved.
     */
    @Test
    void logMarginalLikelihoodEqualsTheRisingFactorialsMultipliedOut() {
        final String[] data = {"a", "b", "a", "c", "a", "b", "a", "a", "c", "d", "a", "b"};
        final DirichletMultinomialPosterior posterior = updatedWith(0.8, 6, data);
        final Map<String, Integer> counts = new HashMap<>();
        double evidence = 1.0;
        for (int t = 0; t < data.length; t++) {
            final int count = counts.getOrDefault(data[t], 0);
            evidence *= (0.8 + count) / (6 * 0.8 + t);
            counts.put(data[t], count + 1);
        }
        assertThat(posterior.logMarginalLikelihood()).isCloseTo(Math.log(evidence), within(1e-13));
    }

    @Test
    void summaryDescribesTheMostProbableCategoryAndListsEveryCategoryByName() {
        final DirichletMultinomialPosterior posterior =
                updatedWith(2.0, 4, "pear", "fig", "pear", "apple", "fig");
        final PosteriorSummary summary = posterior.summarize();
        assertThat(summary.model()).isEqualTo("dirichlet");
        assertThat(summary.n()).isEqualTo(5.0);
        assertThat(summary.params())
                .containsExactly(
                        Map.entry("alpha[apple]", 3.0),
                        Map.entry("alpha[fig]", 4.0),
                        Map.entry("alpha[pear]", 4.0),
                        Map.entry("alphaUnseen", 2.0),
                        Map.entry("unseenCategories", 1.0));
        assertThat(summary.parameters())
                .extracting(ParameterSummary::name)
                .containsExactly("p[apple]", "p[fig]", "p[pear]");
        // fig and pear tie at 4 / 13; fig comes first by name.
        final ParameterSummary fig = summary.parameters().get(1);
        assertThat(summary.mean()).isEqualTo(fig.mean()).isEqualTo(4.0 / 13.0);
        assertThat(summary.ciLow()).isEqualTo(fig.ciLow());
        assertThat(summary.mle()).isEqualTo(0.4);
        // Every alpha (2, 3, 4, 4) exceeds 1: the mode is (alpha_c - 1) / (A - M) = 3 / 9.
        assertThat(summary.map()).isEqualTo(3.0 / 9.0);
        assertThat(fig.variance()).isCloseTo(4.0 * 9.0 / (13.0 * 13.0 * 14.0), within(1e-16));
        assertThat(posterior.marginal("fig")).isEqualTo(fig);
    }

    @Test
    void modeIsNaNWhileAFreeSlotHasAlphaAtMostOne() {
        final DirichletMultinomialPosterior posterior = updatedWith(1.0, 3, "a", "a", "b");
        assertThat(posterior.summarize().map()).isNaN();
        posterior.update(BayesObservation.ofCategory("c"));
        // Every slot taken, alphas 3, 2, 2: mode component (3 - 1) / (7 - 3).
        assertThat(posterior.summarize().map()).isEqualTo(0.5);
    }

    @Test
    void withNoCategoryTheSummaryDescribesOneFreeSlot() {
        final PosteriorSummary summary =
                DirichletMultinomialPosterior.withPrior(1.0, 4).summarize();
        assertThat(summary.mean()).isEqualTo(0.25);
        assertThat(summary.parameters()).isEmpty();
        assertThat(summary.ciLow()).isLessThan(0.25);
        assertThat(summary.ciHigh()).isGreaterThan(0.25);
    }

    @Test
    void mergePastTheMaximumThrowsAndChangesNothing() {
        final DirichletMultinomialPosterior left = updatedWith(1.0, 3, "a", "b");
        final DirichletMultinomialPosterior right = updatedWith(1.0, 3, "c", "d");
        final byte[] before = left.toBytes();
        assertThatThrownBy(() -> left.merge(right))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 categories, more than the maximum of 3");
        assertThat(left.toBytes()).isEqualTo(before);
        assertThatThrownBy(() -> left.merge(updatedWith(1.0, 4, "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("over 4 categories");
    }

    @Test
    void mergingAPosteriorIntoItselfDoublesItsCounts() {
        final DirichletMultinomialPosterior posterior = updatedWith(1.0, 3, "a", "b", "a");
        posterior.merge(posterior);
        assertThat(posterior.toBytes())
                .isEqualTo(updatedWith(1.0, 3, "a", "b", "a", "a", "b", "a").toBytes());
    }

    @Test
    void revertDropsACategoryWhoseCountReturnsToZero() {
        final DirichletMultinomialPosterior posterior = updatedWith(1.0, 2, "a", "b");
        posterior.revert(BayesObservation.ofCategory("b"));
        assertThat(posterior.categories()).containsExactly("a");
        // Its slot is free again.
        posterior.update(BayesObservation.ofCategory("c"));
        assertThat(posterior.categories()).containsExactly("a", "c");
        assertThatThrownBy(() -> posterior.revert(BayesObservation.ofCategory("b")))
                .isInstanceOf(IllegalArgumentException.class);
        final DirichletMultinomialPosterior roomy = updatedWith(1.0, 5, "a");
        assertThatThrownBy(() -> roomy.revert(BayesObservation.ofCategory("b")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'b'");
    }

    @Test
    void decayDropsCategoriesWhoseWeightUnderflowsAndFreesTheirSlots() {
        final DirichletMultinomialPosterior posterior = updatedWith(1.0, 2, "a", "b");
        posterior.decay(0.5);
        assertThat(posterior.count("a")).isEqualTo(0.5);
        assertThat(posterior.getN()).isEqualTo(1.0);
        posterior.update(BayesObservation.ofCategory("a"));
        for (int i = 0; i < 1100; i++) {
            posterior.decay(0.5);
        }
        assertThat(posterior.categories()).isEmpty();
        assertThat(posterior.invalidReason(BayesObservation.ofCategory("z"))).isNull();
        assertThat(posterior.summarize().mean()).isEqualTo(0.5);
    }

    @Test
    void readRejectsCategoriesOutOfOrderDuplicatedOrWithoutCount() {
        final int hash = PosteriorStateFormat.configHash(1.0, 3);
        final StateWriter unordered = header(hash, 2).putString("b").putDouble(1).putString("a");
        assertCorrupted(unordered.putDouble(1).toBytes(), "category 1 is empty or not after");
        final StateWriter duplicated = header(hash, 2).putString("a").putDouble(1).putString("a");
        assertCorrupted(duplicated.putDouble(1).toBytes(), "category 1 is empty or not after");
        assertCorrupted(
                header(hash, 1).putString("").putDouble(1).toBytes(),
                "category 0 is empty or not after");
        assertCorrupted(
                header(hash, 1).putString("a").putDouble(0).toBytes(),
                "count of category 0 0.0 is not finite and > 0");
        assertCorrupted(header(hash, 4).toBytes(), "categories 4 is not in [0, 3]");
    }

    private static StateWriter header(int hash, int categories) {
        return new StateWriter(PosteriorStateFormat.DIRICHLET_MULTINOMIAL, 2, hash)
                .putDouble(1.0)
                .putInt(3)
                .putInt(categories)
                .putDouble(2.0);
    }

    private static void assertCorrupted(byte[] bytes, String message) {
        assertThatThrownBy(() -> DirichletMultinomialPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining(message);
    }

    /**
     * Calibration of one category's marginal: p drawn from the Dirichlet prior (normalized Gamma
     * draws), 20 categorical observations from p, and the 95% interval of category c0 (seen or not)
     * must cover p_c0 in 95% of trials; 1.5% is ten standard errors over 20,000 trials.
     */
    @Test
    void marginalIntervalCoversTheTrueProbabilityInNinetyFivePercentOfTrials() {
        final RandomDataGenerator random = new RandomDataGenerator(SEED + 1);
        final int categories = 3;
        final double concentration = 1.5;
        final int trials = 20_000;
        int covered = 0;
        final double[] p = new double[categories];
        for (int trial = 0; trial < trials; trial++) {
            double sum = 0.0;
            for (int c = 0; c < categories; c++) {
                p[c] = random.nextGamma(concentration, 1.0);
                sum += p[c];
            }
            for (int c = 0; c < categories; c++) {
                p[c] /= sum;
            }
            final DirichletMultinomialPosterior posterior =
                    DirichletMultinomialPosterior.withPrior(concentration, categories);
            for (int i = 0; i < 20; i++) {
                final double u = random.nextDouble();
                final int c = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
                posterior.update(BayesObservation.ofCategory("c" + c));
            }
            final ParameterSummary marginal = posterior.marginal("c0");
            covered += marginal.ciLow() <= p[0] && p[0] <= marginal.ciHigh() ? 1 : 0;
        }
        assertThat((double) covered / trials).isCloseTo(0.95, within(0.015));
    }

    @Test
    void goldenV2BytesStillRead() throws IOException {
        final DirichletMultinomialPosterior posterior =
                DirichletMultinomialPosterior.fromBytes(
                        PosteriorGoldenBytes.read(PosteriorGoldenBytes.name("dirichlet", 2)));
        assertThat(posterior.concentration()).isEqualTo(0.5);
        assertThat(posterior.maxCategories()).isEqualTo(4);
        assertThat(posterior.categories()).containsExactly("blue", "grün", "red");
        assertThat(posterior.count("red")).isEqualTo(2.0);
        assertThat(posterior.count("grün")).isEqualTo(1.0);
        assertThat(posterior.getN()).isEqualTo(4.0);
    }
}
