/**
 * Quantiles of the Beta, Gamma, Student-t and normal distributions, and the regularized incomplete
 * beta and gamma functions they invert: the credible intervals of {@code dev.quiver.bayes}'s
 * posterior summaries. Plain Java on doubles, stateless and thread-safe; kernel layer (no
 * framework), and it uses nothing of {@code dev.quiver.bayes}, which uses it.
 *
 * <p>Each quantile is a starting point from an asymptotic approximation (Cornish-Fisher and
 * Wilson-Hilferty expansions at M. J. Wichura's AS 241 normal quantile, or power-law and
 * incomplete-gamma forms of the tails) followed by Halley steps on the forward function, of
 * fourth order (Schröder's) near the root, where a bound on the remaining error ends the search
 * without a confirming evaluation ({@link dev.quiver.bayes.special.HalleySolver}): usually one
 * evaluation of the forward function for large shapes, two for small ones. The method of A. R.
 * DiDonato and A. H. Morris, "Computation of the incomplete gamma function ratios and their
 * inverse", ACM TOMS 12 (1986) 377-393, and "Significant digit computation of the incomplete beta
 * function ratios", ACM TOMS 18 (1992) 360-373, and of W. H. Press et al., <i>Numerical
 * Recipes</i>, 3rd ed., sections 6.2 and 6.4 (invgammp, invbetai); the code is written here from
 * the mathematics. The forward functions are continued fractions evaluated by the modified Lentz
 * algorithm (the incomplete beta's by Wallis's recurrences with Lentz's stopping rule), with prefactors factored through Stirling's series (N. M. Temme, <i>Special
 * Functions</i>, Wiley, 1996) so that they keep their digits for shapes in the billions, and, for
 * one small and one large beta shape, a series in incomplete gamma functions ({@link
 * dev.quiver.bayes.special.SmallShapeBeta}).
 *
 * <p>Accuracy: 1e-12 relative for shapes and degrees of freedom from 1e-3 to 1e8 and p from 1e-12
 * to 1 − 1e-6 ({@code QuantileOracleTest}), against SciPy 1.17.1, or against a 50-digit mpmath
 * root in the 9% of those cases where SciPy misses it by more than 1e-13 (its {@code
 * gammaincinv} by 1e-5 relative at shape 1e8, its {@code betaincinv} by 7e-6 at shapes 1e3 and
 * 1e8, and by a factor of 40 in the subnormal quantiles of shapes 1e-3 and 1e8). Beyond these
 * ranges each function switches to an asymptotic form that is exact to rounding there, so every
 * positive finite parameter gives a finite answer without hanging.
 *
 * <p>Entry points: {@link dev.quiver.bayes.special.BetaQuantile}, {@link
 * dev.quiver.bayes.special.GammaQuantile}, {@link dev.quiver.bayes.special.StudentTQuantile},
 * {@link dev.quiver.bayes.special.NormalQuantile}, {@link
 * dev.quiver.bayes.special.IncompleteBeta} and {@link dev.quiver.bayes.special.IncompleteGamma}.
 */
package dev.quiver.bayes.special;
