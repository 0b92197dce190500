package dev.quiver.bayes;

import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_HIGH_PROBABILITY;
import static dev.quiver.bayes.PosteriorSummary.CREDIBLE_LOW_PROBABILITY;

import dev.quiver.bayes.special.GammaQuantile;

import org.hipparchus.special.Gamma;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bayesian linear regression with unknown noise variance (Normal-Inverse-Gamma regression), kept as
 * a Cholesky factor updated by one rotation sweep per observation.
 *
 * <p><b>Model.</b> {@code y = w·x + ε} with {@code ε ~ N(0, σ²)}, prior {@code w | σ² ~ N(0, σ² α⁻¹
 * I)} and {@code σ² ~ InvGamma(a0, b0)}. A "Gaussian prior N(0, α⁻¹I)" on the weights is read as this
 * σ²-scaled prior: it is the form that is conjugate, so the posterior stays closed-form (K. P.
 * Murphy, <i>Machine Learning: a Probabilistic Perspective</i>, 2012, §7.6.3). After observations
 * {@code (x_i, y_i)} with weights {@code v_i} (1, or {@code λ^age} under {@link #decay}) and {@code
 * n = Σ v_i}:
 *
 * <pre>
 *   Λn = αI + Σ v_i x_i x_iᵀ            μn = Λn⁻¹ Σ v_i x_i y_i       (the ridge solution)
 *   an = a0 + n/2                        bn = b0 + (Σ v_i y_i² − μnᵀ Λn μn) / 2
 *   w | σ², data ~ N(μn, σ² Λn⁻¹)        σ² | data ~ InvGamma(an, bn)
 *   w_i | data ~ Student-t(2an, μn_i, (bn/an) (Λn⁻¹)_ii)
 *   y | x, data ~ Student-t(2an, xᵀμn, (bn/an) (1 + xᵀ Λn⁻¹ x))
 * </pre>
 *
 * <p><b>State and numerics.</b> The state is {@code n} and the square-root information form of the
 * ridge problem (a {@code RegressionFactor}): upper-triangular {@code R} with {@code RᵀR = Λn},
 * {@code z = R⁻ᵀ Σ v_i x_i y_i} (so {@code R μn = z}) and {@code rss = 2 (bn − b0)}, the penalised
 * residual sum {@code Σ v_i (y_i − μn·x_i)² + α |μn|²}. {@code XᵀX} is never formed and no matrix
 * is ever inverted per event: an update rotates the row {@code (x, y)} into {@code [R z]} (O(d²)),
 * and the part of {@code y} left after the rotations is the row's exact contribution to {@code
 * rss}, so {@code bn} is a sum of squares, not the difference {@code yᵀy − μnᵀΛnμn} of two large
 * numbers. Accuracy is limited by the condition number of {@code [X; √α I]}, not its square.
 * Updates, decay and the first half of a merge are orthogonal rotations, which are backward stable;
 * {@link #revert}, the prior removal in {@link #merge} and the OLS estimate in {@link #summarize}
 * are downdates (LINPACK's DCHDD), whose accuracy depends on the pivot (see below).
 *
 * <ul>
 *   <li>{@link #update}: O(d²), allocates nothing.
 *   <li>{@link #revert}: O(d²), allocates nothing; the LINPACK downdate. It throws {@link
 *       IllegalStateException} (state unchanged) when no observation is left ({@code n < 1}) or
 *       when the pivot {@code 1 − xᵀΛn⁻¹x} is below {@link #MIN_REMOVAL_PIVOT} = 1e-8. At or below
 *       0, {@code Λn − xxᵀ} is not positive definite: the observation cannot have been added. Just
 *       above 0, the downdate is ill-conditioned: its relative error is about {@code ε / pivot}
 *       (measured), and the pivot is about {@code λ/|x|²}, where λ is the information left in x's
 *       direction after the removal (at least α). So a revert keeps at least 7 to 8 significant
 *       digits or refuses; it refuses e.g. when a window drops the one large observation of a
 *       rarely seen feature under a weak prior, and the caller then rebuilds the posterior from the
 *       observations it still holds. When {@code n} returns to 0 the state is reset to the prior
 *       exactly.
 *   <li>{@link #merge}: O(d³): the other factor's rows are rotated in, then the second copy of the
 *       prior ({@code d} rows {@code √α e_k}) is downdated out; each of those downdates is
 *       well-conditioned ({@code xᵀΛ⁻¹x <= 1/2}, because Λ still holds the prior twice). Exact up
 *       to rounding, so associative and commutative up to rounding (about 1e-14 relative on
 *       well-conditioned data).
 *   <li>{@link #decay}: O(d³): {@code R, z} scale by {@code √λ} and {@code rss} by λ (all data
 *       terms times λ, including the prior), then {@code d} rows {@code √((1−λ)α) e_k} top the
 *       prior back up to {@code αI}: {@code R'ᵀR' = λ(RᵀR − αI) + αI}. Adding a multiple of the
 *       identity is full rank, so no O(d²) factor update exists; only rotations are used, so it is
 *       stable. {@code decay(1)} returns at once.
 *   <li>Queries ({@link #predict}, {@link #logPredictive}, {@link #coefficientMeans}): O(d²);
 *       {@link #coefficientStdDevs} and {@link #summarize}: O(d³).
 * </ul>
 *
 * <p><b>Inputs.</b> An observation needs exactly {@code dimension} features, and its value and
 * features must be finite with {@code |v| <= 1e50}; the priors must lie in {@code [1e-50, 1e50]}
 * and {@code dimension} in {@code [1, 1000]}. These bounds keep every intermediate (squared sums of
 * up to 2^53 observations, {@code Λn⁻¹}, predictive scales) finite, so no valid input yields NaN.
 * Not thread-safe.
 *
 * <p><b>Summary.</b> The top level describes the noise variance {@code σ² ~ InvGamma(an, bn)}: mean
 * {@code bn/(an−1)} ({@code +∞} for {@code an <= 1}), variance {@code bn²/((an−1)²(an−2))} ({@code
 * +∞} for {@code an <= 2}), the 95% interval from the Gamma quantiles of the precision {@code
 * 1/σ²}, MLE {@code rss_OLS / n} and mode {@code bn/(an+1)}. {@code parameters} holds {@code "w[0]"
 * .. "w[d-1]"}: the Student-t marginals above (mean {@code μn_i}, the location, also reported for
 * {@code 2an <= 1} where the t has no mean; variance {@code scale² ν/(ν−2)}, {@code +∞} for {@code
 * ν <= 2}), MLE the ordinary least-squares coefficient and MAP {@code μn_i}, the ridge solution.
 * The OLS solution is computed from the state by downdating the prior out of a copy of the factor;
 * it is NaN (and so is the σ² MLE) when {@code n = 0} or {@code Σ v_i x_i x_iᵀ} is singular to
 * working precision (fewer than d independent observations), detected as a downdate pivot below
 * {@code 4 d ε |R|_F / √α}, the rounding level of a pivot given {@code κ(R) <= |R|_F / √α}. Because
 * the state holds {@code XᵀX + αI}, a prior much stronger than the data costs the OLS estimate
 * digits. {@code params} is {@code {a: an, b: bn, alpha: α}}.
 *
 * <p><b>State bytes.</b> Family {@link PosteriorStateFormat#LINEAR_REGRESSION}, serial version
 * {@link PosteriorStateFormat#SERIAL_VERSION_2}, config hash {@code configHash(d, α, a0, b0)};
 * little-endian, {@code 44 + 8 (d(d+1)/2 + d + 1)} bytes:
 *
 * <pre>
 *  Byte offset      | Field
 * ------------------+---------------------------------------------------------------
 *  0 .. 7           | preamble: preLongs 1, serVer 2, family 6, flags 0, configHash (int32)
 *  8                | dimension d (int32, 1 .. 1000)
 *  12               | weightPrecision α (double)
 *  20               | noiseShape a0 (double)
 *  28               | noiseScale b0 (double)
 *  36               | n (double, effective number of observations, >= 0)
 *  44               | R packed by rows: R[0][0..d-1], R[1][1..d-1], ... (d(d+1)/2 doubles, diag > 0)
 *  44 + 4 d(d+1)    | z (d doubles)
 *  44 + 4 d(d+3)    | rss = 2 (bn − b0) (double, >= 0)
 * </pre>
 *
 * <pre>{@code
 * BayesianLinearRegression posterior = BayesianLinearRegression.withPrior(2, 1e-3, 2.0, 1.0);
 * BayesObservation event = BayesObservation.withFeatures(5.0, 1.0, 2.0); // y = 5 at x = (1, 2)
 * BayesianLinearRegression.PredictiveEstimate before = posterior.predict(event.features());
 * double score = posterior.logPredictive(event);  // prequential score, before the update
 * posterior.update(event);
 * posterior.update(new double[] {1.0, 0.0}, 1.0);
 * double[] w = posterior.coefficientMeans();      // ridge solution, close to (1, 2)
 * double[] sd = posterior.coefficientStdDevs();
 * PosteriorSummary summary = posterior.summarize(); // sigma², plus w[0], w[1] in parameters()
 * BayesianLinearRegression restored = BayesianLinearRegression.fromBytes(posterior.toBytes());
 * }</pre>
 */
public final class BayesianLinearRegression implements ConjugatePosterior {

    /** The model name, as returned by {@link #modelName()} and shown in summaries. */
    public static final String MODEL = "blr";

    /** The largest supported dimension: the state holds d(d+1)/2 doubles, 4 MB at this bound. */
    public static final int MAX_DIMENSION = 1000;

    /** The bound on |value| and |features[i]| that keeps every intermediate finite. */
    public static final double MAX_ABS_INPUT = 1e50;

    /** The smallest allowed prior parameter. */
    public static final double MIN_PRIOR = 1e-50;

    /** The largest allowed prior parameter. */
    public static final double MAX_PRIOR = 1e50;

    /**
     * The smallest pivot {@code 1 − xᵀΛn⁻¹x} a revert accepts. The pivot is 1 minus a sum of
     * squares, so it carries an absolute error of a few ulps, and the downdate it drives has a
     * relative error of about {@code ε / pivot}; this bound keeps that below about 2e-8.
     */
    public static final double MIN_REMOVAL_PIVOT = 1e-8;

    private static final double LOG_TWO_PI = Math.log(2.0 * Math.PI);

    private final RegressionPrior prior;
    private final int dimension;
    private final double sqrtWeightPrecision;
    private final RegressionFactor factor;
    private double n;

    /** Scratch for queries, so the per-event path allocates nothing. */
    private final double[] scratch;

    private BayesianLinearRegression(RegressionPrior prior, RegressionFactor factor, double n) {
        this.prior = prior;
        this.dimension = prior.dimension();
        this.sqrtWeightPrecision = Math.sqrt(prior.weightPrecision());
        this.factor = factor;
        this.n = n;
        this.scratch = new double[dimension];
    }

    /**
     * Creates an empty posterior, equal to the prior: {@code w | σ² ~ N(0, σ² I /
     * weightPrecision)}, {@code σ² ~ InvGamma(noiseShape, noiseScale)}.
     *
     * @param dimension the number of features d, in {@code [1, 1000]}
     * @param weightPrecision α, the prior precision of each coefficient in units of {@code 1/σ²}
     * @param noiseShape a0, the Inverse-Gamma shape of σ²
     * @param noiseScale b0, the Inverse-Gamma scale of σ² (prior mean of σ² is {@code b0/(a0−1)})
     * @throws IllegalArgumentException if an argument is out of range; the message names it and its
     *     value
     */
    public static BayesianLinearRegression withPrior(
            int dimension, double weightPrecision, double noiseShape, double noiseScale) {
        final RegressionPrior prior =
                new RegressionPrior(dimension, weightPrecision, noiseShape, noiseScale);
        return new BayesianLinearRegression(
                prior,
                RegressionFactor.scaledIdentity(dimension, Math.sqrt(weightPrecision)),
                0.0);
    }

    /**
     * Reads a posterior from bytes written by {@link #toBytes()}; see the class javadoc for the
     * layout.
     *
     * @throws IllegalArgumentException if the bytes are corrupted ({@code "Corrupted: ..."}), of
     *     another model or of an unknown serial version
     */
    public static BayesianLinearRegression fromBytes(byte[] bytes) {
        final StateReader reader =
                StateReader.openVersion2(bytes, PosteriorStateFormat.LINEAR_REGRESSION, MODEL);
        final RegressionPrior prior = RegressionPrior.read(reader);
        reader.checkConfigHash(prior.configHash());
        final int dimension = prior.dimension();
        final double n = reader.nonNegativeDouble("n");
        final double[] packedR =
                reader.finiteDoubles("factor", RegressionFactor.packedSize(dimension));
        for (int i = 0, diag = 0; i < dimension; diag += dimension - i, i++) {
            if (!(packedR[diag] > 0.0)) {
                throw StateReader.corrupted(
                        "factor diagonal " + i + " is " + packedR[diag] + ", not > 0");
            }
        }
        final double[] z = reader.finiteDoubles("z", dimension);
        final double rss = reader.nonNegativeDouble("rss");
        reader.finish();
        return new BayesianLinearRegression(
                prior, RegressionFactor.of(dimension, packedR, z, rss), n);
    }

    @Override
    public byte[] toBytes() {
        return prior.write(
                        StateWriter.version2(
                                PosteriorStateFormat.LINEAR_REGRESSION, prior.configHash()))
                .putDouble(n)
                .putDoubles(factor.packedR(), 0, RegressionFactor.packedSize(dimension))
                .putDoubles(factor.z(), 0, dimension)
                .putDouble(factor.rss())
                .toBytes();
    }

    @Override
    public String modelName() {
        return MODEL;
    }

    /** Returns the number of features d. */
    public int dimension() {
        return dimension;
    }

    /**
     * Returns {@code null} when {@code features} has d finite entries and {@code value} is finite,
     * all within {@code ±1e50}; otherwise the reason, naming the bad value.
     */
    public String invalidReason(double[] features, double value) {
        if (features.length != dimension) {
            return MODEL + " needs " + dimension + " features, got " + features.length;
        }
        if (!(Math.abs(value) <= MAX_ABS_INPUT)) {
            return MODEL
                    + " needs a finite value with |value| <= "
                    + MAX_ABS_INPUT
                    + ", got "
                    + value;
        }
        for (int i = 0; i < dimension; i++) {
            if (!(Math.abs(features[i]) <= MAX_ABS_INPUT)) {
                return MODEL
                        + " needs finite features with |x| <= "
                        + MAX_ABS_INPUT
                        + ", got features["
                        + i
                        + "] = "
                        + features[i];
            }
        }
        return null;
    }

    @Override
    public String invalidReason(BayesObservation observation) {
        return invalidReason(observation.features(), observation.value());
    }

    /** Throws with the reason; {@link #invalidReason} builds a string only for a bad input. */
    private void checkValid(double[] features, double value) {
        final String reason = invalidReason(features, value);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
    }

    /**
     * Adds the observation {@code value} at {@code features}: one rotation sweep, O(d²), no
     * allocation. {@code features} is not changed or kept.
     *
     * @throws IllegalArgumentException if invalid; the message is {@link #invalidReason(double[],
     *     double)}
     */
    public void update(double[] features, double value) {
        checkValid(features, value);
        factor.addRow(features, value);
        n += 1.0;
    }

    @Override
    public void update(BayesObservation observation) {
        update(observation.features(), observation.value());
    }

    /**
     * Removes an earlier observation with a Cholesky downdate; see the class javadoc for when it
     * throws. O(d²), no allocation.
     *
     * @throws IllegalArgumentException if invalid
     * @throws IllegalStateException if fewer than one observation is left, or the downdate pivot is
     *     below {@link #MIN_REMOVAL_PIVOT} (the downdated precision matrix would not be positive
     *     definite, or not to working precision); the state is then unchanged
     */
    public void revert(double[] features, double value) {
        checkValid(features, value);
        if (n < 1.0) {
            throw new IllegalStateException(
                    "cannot revert: " + MODEL + " holds " + n + " observations");
        }
        final double pivot = factor.removalPivot(features);
        if (!(pivot >= MIN_REMOVAL_PIVOT)) {
            throw new IllegalStateException(
                    "cannot revert: "
                            + MODEL
                            + " downdate pivot 1 - xᵀΛ⁻¹x = "
                            + pivot
                            + " is below "
                            + MIN_REMOVAL_PIVOT
                            + ": without this observation the precision would not be positive"
                            + " definite, or not to working precision");
        }
        factor.removeRow(pivot, value);
        n -= 1.0;
        if (n == 0.0) {
            // Back to no data: drop the downdates' rounding and return to the exact prior.
            factor.resetToScaledIdentity(sqrtWeightPrecision);
        }
    }

    @Override
    public void revert(BayesObservation observation) {
        revert(observation.features(), observation.value());
    }

    /**
     * Adds the other posterior's data: the result is the posterior of the prior updated with both
     * data sets, up to rounding. O(d³), allocates when {@code other == this}. {@code other} is
     * unchanged.
     *
     * @throws IllegalArgumentException if {@code other} is another model, dimension or prior
     */
    @Override
    public void merge(ConjugatePosterior other) {
        if (!(other instanceof BayesianLinearRegression regression)) {
            throw new IllegalArgumentException(
                    "cannot merge " + other.modelName() + " into " + MODEL);
        }
        // Exact comparison: both sides come from the same job options, so any difference is a
        // configuration error, and adding data gathered under another prior would change the model.
        if (dimension != regression.dimension
                || prior.weightPrecision() != regression.prior.weightPrecision()
                || prior.noiseShape() != regression.prior.noiseShape()
                || prior.noiseScale() != regression.prior.noiseScale()) {
            throw new IllegalArgumentException(
                    "cannot merge "
                            + MODEL
                            + " posteriors with different configurations: this "
                            + configString()
                            + ", other "
                            + regression.configString());
        }
        if (regression.isEmpty()) {
            return;
        }
        if (isEmpty()) {
            factor.copyFrom(regression.factor);
            n = regression.n;
            return;
        }
        final RegressionFactor source =
                regression == this ? regression.factor.copy() : regression.factor;
        factor.addFactor(source);
        for (int k = 0; k < dimension; k++) {
            final double pivot = factor.unitRemovalPivot(k, sqrtWeightPrecision);
            // Λ holds the prior twice here, so xᵀΛ⁻¹x <= 1/2 for these rows: the pivot is >= 1/2.
            assert pivot > 0.25 : pivot;
            factor.removeRow(pivot, 0.0);
        }
        n += regression.n;
    }

    /**
     * Weighs all data by {@code lambda}, keeping the prior αI: O(d³), see the class javadoc. {@code
     * decay(1)} changes nothing.
     *
     * @throws IllegalArgumentException unless {@code 0 < lambda <= 1}
     */
    @Override
    public void decay(double lambda) {
        PosteriorChecks.checkDecay(lambda);
        if (lambda == 1.0 || isEmpty()) {
            return;
        }
        factor.scale(lambda);
        final double topUp = Math.sqrt((1.0 - lambda) * prior.weightPrecision());
        for (int k = 0; k < dimension; k++) {
            factor.addUnitRow(k, topUp);
        }
        n *= lambda;
    }

    @Override
    public double getN() {
        return n;
    }

    @Override
    public boolean isEmpty() {
        return n == 0.0;
    }

    /** Returns the prior coefficient precision α. */
    public double weightPrecision() {
        return prior.weightPrecision();
    }

    /** Returns the prior noise shape a0. */
    public double noiseShape() {
        return prior.noiseShape();
    }

    /** Returns the prior noise scale b0. */
    public double noiseScale() {
        return prior.noiseScale();
    }

    /** Returns the posterior shape {@code an = a0 + n/2}. */
    public double shape() {
        return prior.noiseShape() + 0.5 * n;
    }

    /** Returns the posterior scale {@code bn = b0 + rss/2}. */
    public double scale() {
        return prior.noiseScale() + 0.5 * factor.rss();
    }

    /** Returns the posterior mean of the coefficients, {@code μn = Λn⁻¹ Xᵀy}. O(d²). */
    public double[] coefficientMeans() {
        final double[] means = new double[dimension];
        factor.solve(means);
        return means;
    }

    /**
     * Returns the marginal posterior standard deviation of each coefficient, {@code sqrt((bn/an)
     * (Λn⁻¹)_ii ν/(ν−2))} with {@code ν = 2an}; {@code +∞} for {@code ν <= 2}. O(d³).
     */
    public double[] coefficientStdDevs() {
        final double[] inverseDiagonal = factor.inverseGramDiagonal();
        final double dof = 2.0 * shape();
        final double[] deviations = new double[dimension];
        for (int i = 0; i < dimension; i++) {
            final double scaleSquared = scale() / shape() * inverseDiagonal[i];
            deviations[i] = Math.sqrt(StudentTMarginal.variance(scaleSquared, dof));
        }
        return deviations;
    }

    /**
     * Returns the Student-t posterior predictive of the value at {@code features}, without adding
     * anything: what a prequential evaluation reports before the update. O(d²).
     *
     * @throws IllegalArgumentException unless {@code features} has d finite entries within ±1e50
     */
    public PredictiveEstimate predict(double[] features) {
        checkValid(features, 0.0);
        final double dof = 2.0 * shape();
        final double scaleSquared = predictiveScaleSquared(features);
        return new PredictiveEstimate(
                predictiveMeanOfScratch(),
                StudentTMarginal.variance(scaleSquared, dof),
                dof,
                Math.sqrt(scaleSquared));
    }

    /**
     * Returns the log Student-t predictive density of the observation's value at its features.
     * O(d²), no allocation.
     */
    @Override
    public double logPredictive(BayesObservation observation) {
        final double[] features = observation.features();
        final double value = observation.value();
        checkValid(features, value);
        final double scaleSquared = predictiveScaleSquared(features);
        return StudentTMarginal.logDensity(
                value, predictiveMeanOfScratch(), Math.sqrt(scaleSquared), 2.0 * shape());
    }

    /** Leaves {@code p = R⁻ᵀx} in the scratch vector; returns {@code (bn/an)(1 + |p|²)}. */
    private double predictiveScaleSquared(double[] features) {
        System.arraycopy(features, 0, scratch, 0, dimension);
        factor.solveTransposedInPlace(scratch);
        double quadratic = 0.0;
        for (int i = 0; i < dimension; i++) {
            quadratic += scratch[i] * scratch[i];
        }
        return scale() / shape() * (1.0 + quadratic);
    }

    /** {@code xᵀμn = xᵀR⁻¹z = (R⁻ᵀx)ᵀz}, with {@code R⁻ᵀx} already in the scratch vector. */
    private double predictiveMeanOfScratch() {
        final double[] z = factor.z();
        double mean = 0.0;
        for (int i = 0; i < dimension; i++) {
            mean += scratch[i] * z[i];
        }
        return mean;
    }

    /**
     * Returns the log evidence {@code log Γ(an) − log Γ(a0) + a0 log b0 − an log bn + ½ log|αI| − ½
     * log|Λn| − (n/2) log 2π}; the determinant ratio is {@code −Σ log(R_ii/√α)}, from the factor's
     * diagonal.
     */
    @Override
    public double logMarginalLikelihood() {
        final double an = shape();
        final double bn = scale();
        final double logDeterminantRatio =
                factor.sumLogDiagonal() - dimension * Math.log(sqrtWeightPrecision);
        return Gamma.logGamma(an)
                - Gamma.logGamma(prior.noiseShape())
                + prior.noiseShape() * Math.log(prior.noiseScale())
                - an * Math.log(bn)
                - logDeterminantRatio
                - 0.5 * n * LOG_TWO_PI;
    }

    @Override
    public BayesianLinearRegression copy() {
        return new BayesianLinearRegression(prior, factor.copy(), n);
    }

    @Override
    public PosteriorSummary summarize() {
        final double an = shape();
        final double bn = scale();
        final double dof = 2.0 * an;
        final double[] means = coefficientMeans();
        final double[] inverseDiagonal = factor.inverseGramDiagonal();
        final double[] leastSquares = new double[dimension];
        final double leastSquaresRss = ordinaryLeastSquares(leastSquares);

        final double tQuantile = StudentTMarginal.quantile(dof, CREDIBLE_HIGH_PROBABILITY);
        final List<ParameterSummary> parameters = new ArrayList<>(dimension);
        for (int i = 0; i < dimension; i++) {
            final double scaleSquared = bn / an * inverseDiagonal[i];
            final double halfWidth = tQuantile * Math.sqrt(scaleSquared);
            parameters.add(
                    new ParameterSummary(
                            "w[" + i + "]",
                            means[i],
                            StudentTMarginal.variance(scaleSquared, dof),
                            means[i] - halfWidth,
                            means[i] + halfWidth,
                            leastSquares[i],
                            means[i]));
        }

        // σ² = bn / G with G ~ Gamma(an, 1): its quantiles are bn over G's opposite quantiles.
        final double ciLow = bn / GammaQuantile.quantile(an, CREDIBLE_HIGH_PROBABILITY);
        final double ciHigh = bn / GammaQuantile.quantile(an, CREDIBLE_LOW_PROBABILITY);
        final double mean = an > 1.0 ? bn / (an - 1.0) : Double.POSITIVE_INFINITY;
        final double variance = an > 2.0 ? mean * mean / (an - 2.0) : Double.POSITIVE_INFINITY;

        final Map<String, Double> params = new LinkedHashMap<>(4);
        params.put("a", an);
        params.put("b", bn);
        params.put("alpha", prior.weightPrecision());
        final ParameterSummary noiseVariance =
                new ParameterSummary(
                        "sigma2",
                        mean,
                        variance,
                        ciLow,
                        ciHigh,
                        leastSquaresRss / n,
                        bn / (an + 1.0));
        return PosteriorSummary.withHeadline(MODEL, n, params, noiseVariance, parameters);
    }

    /**
     * Writes the ordinary least-squares coefficients of the (weighted) data into {@code out} and
     * returns their residual sum of squares, or fills NaN and returns NaN when there is no data or
     * {@code XᵀX} is singular to working precision (see the class javadoc).
     *
     * <p>Removing the prior rows {@code √α e_k} from a copy of the factor leaves the square-root
     * information form of the data alone: its solution is the OLS estimate and its {@code rss} the
     * OLS residual sum. A pivot {@code 1 − α (M⁻¹)_kk} at the rounding level means that the data do
     * not determine some direction.
     */
    private double ordinaryLeastSquares(double[] out) {
        Arrays.fill(out, Double.NaN);
        if (isEmpty()) {
            return Double.NaN;
        }
        final RegressionFactor data = factor.copy();
        final double singular =
                4.0 * dimension * Math.ulp(1.0) * factor.frobeniusNorm() / sqrtWeightPrecision;
        for (int k = 0; k < dimension; k++) {
            final double pivot = data.unitRemovalPivot(k, sqrtWeightPrecision);
            if (!(pivot > singular)) {
                return Double.NaN;
            }
            data.removeRow(pivot, 0.0);
        }
        data.solve(out);
        return data.rss();
    }

    private String configString() {
        return prior.toString();
    }

    @Override
    public String toString() {
        return "BayesianLinearRegression{" + configString() + ", n=" + n + '}';
    }

    /**
     * The Student-t posterior predictive of one value: location {@code mean}, {@code scale}, {@code
     * dof} degrees of freedom; {@code variance = scale² dof/(dof−2)}, {@code +∞} for {@code dof <=
     * 2}.
     *
     * <pre>{@code
     * PredictiveEstimate estimate = posterior.predict(new double[] {1.0, 2.0});
     * double logDensity = estimate.logDensity(5.0);
     * }</pre>
     *
     * @param mean the predictive mean (the t's location) {@code xᵀμn}
     * @param variance the predictive variance, {@code +∞} for {@code dof <= 2}
     * @param dof the degrees of freedom {@code 2an}
     * @param scale the t's scale {@code sqrt((bn/an)(1 + xᵀΛn⁻¹x))}
     */
    public record PredictiveEstimate(double mean, double variance, double dof, double scale) {

        /** Returns the log predictive density of {@code value}. */
        public double logDensity(double value) {
            return StudentTMarginal.logDensity(value, mean, scale, dof);
        }
    }
}
