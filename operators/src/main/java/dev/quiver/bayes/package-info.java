/**
 * Conjugate Bayesian posteriors over one key's parameter, and the byte format of their state.
 *
 * <p>The kernels here are pure Java (plus Hipparchus for special functions and distributions): they
 * import no Flink, Kafka or Avro. Their state of record is the prior plus sufficient statistics, so
 * updates, merges and reverts are exact count arithmetic, and every summary is a closed-form
 * function of that state.
 *
 * <p>The conjugate-prior results used here (Beta prior with Bernoulli/binomial likelihood,
 * posterior Beta(alpha0 + successes, beta0 + failures), its mean, variance, mode and equal-tailed
 * interval; Gamma prior with Poisson likelihood and exposures; the beta-binomial and negative
 * binomial predictives) follow A. Gelman, J. B. Carlin, H. S. Stern, D. B. Dunson, A. Vehtari and
 * D. B. Rubin, <i>Bayesian Data Analysis</i>, 3rd ed., CRC Press, 2013, chapter 2
 * ("Single-parameter models"); the Dirichlet-multinomial model follows section 3.4 of the same
 * book. Credible intervals come from the quantile functions of {@code dev.quiver.bayes.special},
 * whose package documentation names their methods.
 *
 * <p>The Normal model with unknown mean and variance ({@link
 * dev.quiver.bayes.NormalInverseGammaPosterior}) follows K. P. Murphy, <i>Conjugate Bayesian
 * analysis of the Gaussian distribution</i>, 2007, section 6; its statistics are updated and merged
 * as in T. F. Chan, G. H. Golub and R. J. LeVeque, <i>Updating formulae and a pairwise algorithm
 * for computing sample variances</i>, 1979. {@link dev.quiver.bayes.ChangePointDetector} implements
 * R. P. Adams and D. J. C. MacKay, <i>Bayesian Online Changepoint Detection</i>, 2007, over that
 * model.
 *
 * <p>Entry points: {@link dev.quiver.bayes.ConjugatePosterior} (the contract every model
 * implements), {@link dev.quiver.bayes.BetaBernoulliPosterior}, {@link
 * dev.quiver.bayes.BetaBinomialPosterior}, {@link dev.quiver.bayes.GammaPoissonPosterior}, {@link
 * dev.quiver.bayes.DirichletMultinomialPosterior}, {@link dev.quiver.bayes.PosteriorSummary} and
 * {@link dev.quiver.bayes.PosteriorStateFormat} (the preamble every persisted state shares; each
 * model's class documents its payload).
 */
package dev.quiver.bayes;
