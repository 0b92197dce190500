package dev.quiver.bayes;

import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_HIGH_PROBABILITY;
import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_LOW_PROBABILITY;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Dirichlet posterior of the probabilities of categorical outcomes whose names are learnt as
 * they appear, bounded by a maximum number of categories.
 *
 * <p><b>Model.</b> The probabilities p = (p_1 .. p_M) of {@code maxCategories} = M slots have a
 * symmetric Dirichlet(alpha0, ..., alpha0) prior, alpha0 = {@code concentration}. Each distinct
 * category name takes a free slot when it is first observed; because the prior is symmetric, which
 * slot does not matter, so the state holds only the names seen and their counts n_c. The posterior
 * is Dirichlet(alpha0 + n_c for each seen category, alpha0 for each of the M - K unseen slots),
 * with K seen categories and n = &Sigma;n_c (Gelman et al., <i>Bayesian Data Analysis</i>, 3rd ed.,
 * section 3.4). Fixing M in advance is what makes the evidence a function of the counts alone (so
 * merges and reverts are exact and order does not matter). A model over only the categories seen so
 * far would give the first observation probability 1 and make the evidence depend on when each
 * category first appeared.
 *
 * <p><b>Observations.</b> Only {@code category} is read; {@code value} and {@code features} are
 * ignored entirely, so a {@code NaN} value is fine. Invalid: a {@code null} or empty category, one
 * that is not valid Unicode text (an unpaired surrogate has no UTF-8 form), one longer than {@link
 * #MAX_CATEGORY_UTF8_BYTES} UTF-8 bytes, and a new category when M are already known (the reason
 * names the limit).
 *
 * <p><b>Predictive and evidence.</b> With A = M alpha0 + n, a seen category has predictive
 * probability (alpha0 + n_c) / A and an unseen one alpha0 / A: the probability of one particular
 * free slot. (The probability that the next observation is some new category is (M - K) alpha0 / A;
 * which name it brings carries no information.) The log marginal likelihood of the sequence is log
 * Γ(M alpha0) - log Γ(A) + &Sigma;_c [log Γ(alpha0 + n_c) - log Γ(alpha0)], the sum of the
 * sequential log predictives.
 *
 * <p><b>Summary.</b> Each seen category's probability has a Beta(alpha_c, A - alpha_c) marginal,
 * listed in {@code parameters} as {@code p[<category>]} in name order, with mean, variance, 95%
 * interval, MLE n_c / n ({@code NaN} when n = 0) and the component of the Dirichlet mode (alpha_c -
 * 1) / (A - M), {@code NaN} unless every slot's alpha exceeds 1. The top-level estimates describe
 * the category with the largest posterior mean, ties going to the first name in {@link
 * String#compareTo} order (first-seen order is not part of the state, so it cannot decide); with no
 * category seen they describe one unseen slot, Beta(alpha0, A - alpha0). {@code params} holds
 * {@code alpha[<category>]} per seen category, then {@code alphaUnseen} (alpha0) and {@code
 * unseenCategories} (M - K).
 *
 * <p><b>Exactness.</b> Counts are whole numbers until {@link #decay(double)}, so updates, merges
 * and reverts are exact. A category whose count returns to 0 (by revert, or by decay underflowing
 * to 0) is dropped, freeing its slot, so the state never holds a zero count. Not thread-safe.
 * Updating a seen category is a hash lookup and does not allocate; a new category costs an insert
 * into the name-sorted list, O(K). {@link #summarize()} computes K Beta quantile pairs.
 *
 * <p>State layout after the {@link PosteriorStateFormat} preamble (family {@link
 * PosteriorStateFormat#DIRICHLET_MULTINOMIAL}, serial version 2, config hash {@code
 * configHash(concentration, maxCategories)}); categories in strictly increasing {@link
 * String#compareTo} order, so equal posteriors have equal bytes whatever order their data came in:
 *
 * <pre>
 *  Byte offset | contents (little-endian)
 * -------------+--------------------------------------------------------------
 *            8 | concentration alpha0 (double, finite, &gt; 0)
 *           16 | maxCategories M      (int32, &ge; 2)
 *           20 | K, categories held   (int32, 0 .. M)
 *           24 | n, total count       (double, finite, &ge; 0)
 *           32 | K times: name length L (int32, 1 .. 1024), L bytes of UTF-8 name,
 *              |          count (double, finite, &gt; 0)
 * </pre>
 *
 * <pre>{@code
 * DirichletMultinomialPosterior posterior = DirichletMultinomialPosterior.withPrior(1.0, 3);
 * posterior.update(BayesObservation.ofCategory("red"));
 * posterior.update(BayesObservation.ofCategory("red"));
 * posterior.update(BayesObservation.ofCategory("blue"));
 * posterior.alpha("red");              // 3.0 = 1 + 2
 * posterior.mean("red");               // 3 / 6 = alpha / (3 * 1 + 3 observations)
 * posterior.mean("green");             // 1 / 6, the one free slot
 * PosteriorSummary summary = posterior.summarize(); // top level describes "red"
 * // "dirichlet already has its maximum of 3 categories, got new category 'cyan'" once full
 * DirichletMultinomialPosterior restored =
 *         DirichletMultinomialPosterior.fromBytes(posterior.toBytes());
 * }</pre>
 */
public final class DirichletMultinomialPosterior
        extends ConjugateFamily<DirichletMultinomialPosterior> {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "dirichlet";

    /** The longest category name, in UTF-8 bytes, so one key's state stays bounded. */
    public static final int MAX_CATEGORY_UTF8_BYTES = 1024;

    /** Category names in messages are cut to this many characters. */
    private static final int SHOWN_CATEGORY_CHARS = 40;

    /** One seen category; mutable so that an update is one lookup and one addition. */
    private static final class Category {
        final String name;
        double count;

        Category(String name, double count) {
            this.name = name;
            this.count = count;
        }
    }

    private final double concentration;
    private final int maxCategories;
    private final Map<String, Category> byName = new HashMap<>();

    /** The seen categories in name order, in {@code sorted[0 .. size)}. */
    private Category[] sorted = new Category[4];

    private int size;
    private double n;

    private DirichletMultinomialPosterior(double concentration, int maxCategories) {
        super(DirichletMultinomialPosterior.class);
        this.concentration = concentration;
        this.maxCategories = maxCategories;
    }

    /**
     * Creates an empty posterior: a symmetric Dirichlet(concentration) prior over {@code
     * maxCategories} slots.
     *
     * @throws IllegalArgumentException unless concentration is finite and &gt; 0 and maxCategories
     *     &ge; 2
     */
    public static DirichletMultinomialPosterior withPrior(double concentration, int maxCategories) {
        PosteriorChecks.checkPrior("concentration", concentration);
        if (maxCategories < 2) {
            throw new IllegalArgumentException("max categories must be >= 2, got " + maxCategories);
        }
        return new DirichletMultinomialPosterior(concentration, maxCategories);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are corrupted ({@code "Corrupted: ..."}), of
     *     another model, or of an unknown serial version
     */
    public static DirichletMultinomialPosterior fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.DIRICHLET_MULTINOMIAL, MODEL);
        final double concentration = reader.positiveDouble("concentration");
        final int maxCategories = reader.intInRange("max categories", 2, Integer.MAX_VALUE);
        reader.checkConfigHash(PosteriorStateFormat.configHash(concentration, maxCategories));
        final int categories = reader.intInRange("categories", 0, maxCategories);
        final DirichletMultinomialPosterior posterior =
                new DirichletMultinomialPosterior(concentration, maxCategories);
        posterior.n = reader.nonNegativeDouble("n");
        String previous = null;
        for (int i = 0; i < categories; i++) {
            final String name = reader.string("category " + i, MAX_CATEGORY_UTF8_BYTES);
            if (name.isEmpty() || (previous != null && previous.compareTo(name) >= 0)) {
                throw StateReader.corrupted(
                        "category " + i + " is empty or not after the one before it");
            }
            posterior.append(name, reader.positiveDouble("count of category " + i));
            previous = name;
        }
        reader.finish();
        return posterior;
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    @Override
    public String invalidReason(BayesObservation observation) {
        final String name = observation.category();
        if (name != null && byName.containsKey(name)) {
            return null;
        }
        return newCategoryReason(name);
    }

    /** Says why {@code name}, not yet seen, cannot become a category; null when it can. */
    private String newCategoryReason(String name) {
        if (name == null) {
            return MODEL + " needs a category, got none";
        }
        if (name.isEmpty()) {
            return MODEL + " needs a non-empty category";
        }
        // A UTF-8 form is never shorter than the number of chars, so long names need no encoding.
        if (name.length() > MAX_CATEGORY_UTF8_BYTES
                || name.getBytes(StandardCharsets.UTF_8).length > MAX_CATEGORY_UTF8_BYTES) {
            return MODEL
                    + " needs a category of at most "
                    + MAX_CATEGORY_UTF8_BYTES
                    + " UTF-8 bytes, got "
                    + shown(name);
        }
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(name)) {
            return MODEL + " needs a category that is valid Unicode text, got " + shown(name);
        }
        if (size == maxCategories) {
            return MODEL
                    + " already has its maximum of "
                    + maxCategories
                    + " categories, got new category "
                    + shown(name);
        }
        return null;
    }

    private static String shown(String name) {
        return name.length() <= SHOWN_CATEGORY_CHARS
                ? "'" + name + "'"
                : "'"
                        + name.substring(0, SHOWN_CATEGORY_CHARS)
                        + "...' ("
                        + name.length()
                        + " chars)";
    }

    /**
     * {@inheritDoc}
     *
     * <p>A seen category costs one hash lookup; only a new one is checked and inserted.
     */
    @Override
    public void update(BayesObservation observation) {
        final String name = observation.category();
        final Category category = name == null ? null : byName.get(name);
        if (category != null) {
            category.count += 1.0;
            n += 1.0;
            return;
        }
        final String reason = newCategoryReason(name);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        insert(name, 1.0);
        n += 1.0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Throws {@link IllegalStateException} when the category is not held with a count of at
     * least 1. A category whose count returns to 0 is dropped, as if never seen.
     */
    @Override
    public void revert(BayesObservation observation) {
        checkValid(observation);
        final String name = observation.category();
        final Category category = byName.get(name);
        if (category == null || category.count < 1.0 || n < 1.0) {
            throw new IllegalStateException(
                    "cannot revert category "
                            + shown(name)
                            + ": "
                            + MODEL
                            + " holds it "
                            + (category == null ? 0.0 : category.count)
                            + " times");
        }
        category.count -= 1.0;
        n -= 1.0;
        if (category.count == 0.0) {
            remove(name);
        }
    }

    /** The same concentration and maximum (exact comparison). */
    @Override
    boolean samePrior(DirichletMultinomialPosterior other) {
        return concentration == other.concentration && maxCategories == other.maxCategories;
    }

    /**
     * Matches categories by name. Throws, changing nothing, when the union of the categories would
     * exceed the maximum.
     */
    @Override
    void addData(DirichletMultinomialPosterior that) {
        int union = size;
        for (int i = 0; i < that.size; i++) {
            if (!byName.containsKey(that.sorted[i].name)) {
                union++;
            }
        }
        if (union > maxCategories) {
            throw new IllegalArgumentException(
                    "cannot merge "
                            + MODEL
                            + " posteriors: together they have "
                            + union
                            + " categories, more than the maximum of "
                            + maxCategories);
        }
        for (int i = 0; i < that.size; i++) {
            final Category theirs = that.sorted[i];
            final Category mine = byName.get(theirs.name);
            if (mine == null) {
                insert(theirs.name, theirs.count);
            } else {
                mine.count += theirs.count;
            }
        }
        n += that.n;
    }

    /** Multiplies every count and n by {@code lambda}; a count that underflows to 0 is dropped. */
    @Override
    void scaleData(double lambda) {
        n *= lambda;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            final Category category = sorted[i];
            category.count *= lambda;
            if (category.count > 0.0) {
                sorted[kept++] = category;
            } else {
                byName.remove(category.name);
            }
        }
        Arrays.fill(sorted, kept, size, null);
        size = kept;
    }

    /** Returns n, the number of observations (a weight after {@link #decay}). */
    @Override
    public double getN() {
        return n;
    }

    @Override
    public boolean isEmpty() {
        return size == 0 && n == 0.0;
    }

    /** Returns alpha0, the prior concentration of every slot. */
    public double concentration() {
        return concentration;
    }

    /** Returns M, the maximum number of categories. */
    public int maxCategories() {
        return maxCategories;
    }

    /** Returns the seen categories in name order, as an unmodifiable copy. */
    public List<String> categories() {
        final List<String> names = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            names.add(sorted[i].name);
        }
        return Collections.unmodifiableList(names);
    }

    /** Returns the count of {@code category} (a weight after decay), 0 if it has not been seen. */
    public double count(String category) {
        final Category held = byName.get(category);
        return held == null ? 0.0 : held.count;
    }

    /** Returns the posterior alpha of {@code category}: alpha0 + its count. */
    public double alpha(String category) {
        return concentration + count(category);
    }

    /**
     * Returns the posterior mean of {@code category}'s probability, alpha_c / (M alpha0 + n); for
     * an unseen category that of one free slot, alpha0 / (M alpha0 + n).
     */
    public double mean(String category) {
        final double count = count(category);
        return BetaMarginal.mean(concentration + count, restMass(count));
    }

    /**
     * Returns A - alpha_c = (M - 1) alpha0 + n - n_c, the second parameter of a category's Beta
     * marginal. After a decay n and the counts are scaled separately, so n - n_c may round to just
     * below 0; it is clamped so the parameter stays positive.
     */
    private double restMass(double count) {
        return (maxCategories - 1.0) * concentration + Math.max(0.0, n - count);
    }

    /**
     * Returns log((alpha0 + n_c) / (M alpha0 + n)); see the class comment for unseen categories.
     */
    @Override
    public double logPredictive(BayesObservation observation) {
        checkValid(observation);
        final double count = count(observation.category());
        return SpecialFunctions.logShare(concentration + count, restMass(count));
    }

    /**
     * Returns &Sigma;_c [log Γ(alpha0 + n_c) - log Γ(alpha0)] - [log Γ(M alpha0 + n) - log Γ(M
     * alpha0)], each bracket through {@code logGammaRatio} so large counts keep their digits.
     */
    @Override
    public double logMarginalLikelihood() {
        double evidence = -SpecialFunctions.logGammaRatio(maxCategories * concentration, n);
        for (int i = 0; i < size; i++) {
            evidence += SpecialFunctions.logGammaRatio(concentration, sorted[i].count);
        }
        return evidence;
    }

    @Override
    public DirichletMultinomialPosterior copy() {
        final DirichletMultinomialPosterior copy =
                new DirichletMultinomialPosterior(concentration, maxCategories);
        for (int i = 0; i < size; i++) {
            copy.append(sorted[i].name, sorted[i].count);
        }
        copy.n = n;
        return copy;
    }

    /**
     * Returns the Beta marginal of {@code category}'s probability, named {@code p[<category>]}: the
     * entry of {@link #summarize()}'s {@code parameters} for a seen category, and that of one free
     * slot for an unseen one. Allocates.
     */
    public ParameterSummary marginal(String category) {
        return marginal("p[" + category + "]", count(category), everyAlphaAboveOne());
    }

    /** Whether every slot's alpha exceeds 1, so the Dirichlet mode is interior. */
    private boolean everyAlphaAboveOne() {
        // Unseen slots keep alpha0, so they count unless every slot is taken.
        boolean aboveOne = size == maxCategories || concentration > 1.0;
        for (int i = 0; i < size; i++) {
            aboveOne &= concentration + sorted[i].count > 1.0;
        }
        return aboveOne;
    }

    /** Summarizes the categories' probabilities; see the class comment for the layout. */
    @Override
    public PosteriorSummary summarize() {
        final Map<String, Double> params = new LinkedHashMap<>();
        final boolean everyAlphaAboveOne = everyAlphaAboveOne();
        int top = -1;
        for (int i = 0; i < size; i++) {
            params.put("alpha[" + sorted[i].name + "]", concentration + sorted[i].count);
            if (top < 0 || sorted[i].count > sorted[top].count) {
                top = i;
            }
        }
        params.put("alphaUnseen", concentration);
        params.put("unseenCategories", (double) (maxCategories - size));
        final List<ParameterSummary> parameters = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            parameters.add(
                    marginal("p[" + sorted[i].name + "]", sorted[i].count, everyAlphaAboveOne));
        }
        final ParameterSummary headline =
                top < 0 ? marginal("unseen", 0.0, everyAlphaAboveOne) : parameters.get(top);
        return PosteriorSummary.withHeadline(MODEL, n, params, headline, parameters);
    }

    /** The Beta(alpha0 + count, A - alpha0 - count) marginal of one slot. */
    private ParameterSummary marginal(String name, double count, boolean everyAlphaAboveOne) {
        final double a = concentration + count;
        final double b = restMass(count);
        final double total = maxCategories * concentration + n;
        return new ParameterSummary(
                name,
                BetaMarginal.mean(a, b),
                BetaMarginal.variance(a, b),
                BetaMarginal.quantile(a, b, CREDIBLE_LOW_PROBABILITY),
                BetaMarginal.quantile(a, b, CREDIBLE_HIGH_PROBABILITY),
                n == 0.0 ? Double.NaN : count / n,
                everyAlphaAboveOne ? (a - 1.0) / (total - maxCategories) : Double.NaN);
    }

    @Override
    public byte[] toBytes() {
        final StateWriter writer =
                StateWriter.version2(
                                PosteriorStateFormat.DIRICHLET_MULTINOMIAL,
                                PosteriorStateFormat.configHash(concentration, maxCategories))
                        .putDouble(concentration)
                        .putInt(maxCategories)
                        .putInt(size)
                        .putDouble(n);
        for (int i = 0; i < size; i++) {
            writer.putString(sorted[i].name).putDouble(sorted[i].count);
        }
        return writer.toBytes();
    }

    /** Adds a category after every held one; the caller guarantees name order. */
    private void append(String name, double count) {
        assert size == 0 || sorted[size - 1].name.compareTo(name) < 0 : name;
        insertAt(size, new Category(name, count));
    }

    private void insert(String name, double count) {
        int low = 0;
        int high = size;
        while (low < high) {
            final int middle = (low + high) >>> 1;
            if (sorted[middle].name.compareTo(name) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        insertAt(low, new Category(name, count));
    }

    private void insertAt(int index, Category category) {
        if (size == sorted.length) {
            sorted = Arrays.copyOf(sorted, 2 * size);
        }
        System.arraycopy(sorted, index, sorted, index + 1, size - index);
        sorted[index] = category;
        size++;
        byName.put(category.name, category);
    }

    private void remove(String name) {
        final Category category = byName.remove(name);
        int index = 0;
        while (sorted[index] != category) {
            index++;
        }
        System.arraycopy(sorted, index + 1, sorted, index, size - index - 1);
        sorted[--size] = null;
    }

    @Override
    String priorString() {
        return "Dirichlet(" + concentration + ") over " + maxCategories + " categories";
    }

    @Override
    public String toString() {
        final StringBuilder text =
                new StringBuilder("DirichletMultinomialPosterior{concentration=")
                        .append(concentration)
                        .append(", maxCategories=")
                        .append(maxCategories)
                        .append(", n=")
                        .append(n)
                        .append(", counts={");
        for (int i = 0; i < size; i++) {
            text.append(i == 0 ? "" : ", ")
                    .append(sorted[i].name)
                    .append('=')
                    .append(sorted[i].count);
        }
        return text.append("}}").toString();
    }
}
