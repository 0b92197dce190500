package dev.quiver.bayes;

import dev.quiver.bayes.special.StudentTQuantile;

import org.hipparchus.special.Beta;

/**
 * Log density, variance and quantiles of a Student-t distribution, shared by the models whose
 * predictive or marginal is one: the Normal posterior's mean and predictive, each regression
 * coefficient and the regression's predictive, and each change-point run's predictive.
 *
 * <p>Every form avoids {@code log Γ((ν+1)/2) − log Γ(ν/2)}: after billions of observations ν is in
 * the billions and the two log-gammas (each about ν log ν / 2) would cancel to a few digits, while
 * Hipparchus's {@link Beta#logBeta} keeps them for one large and one small argument; {@link
 * #logNormalizer} is that Beta-function form.
 *
 * <p>The log density comes in two parametrisations, each the exact arithmetic its model has always
 * done (they agree to rounding, not bit for bit, and the models' tests pin their bits): {@link
 * #logDensity} with the scale, and {@link #logDensityOfDeviation} with ν/2 and ν scale², which a
 * Normal-Inverse-Gamma posterior has without a square root.
 *
 * <pre>{@code
 * double logDensity = StudentTMarginal.logDensity(5.0, 4.2, 1.3, 9.0);
 * double upper = StudentTMarginal.quantile(9.0, 0.975);  // standard t, 97.5% point
 * double variance = StudentTMarginal.variance(1.69, 9.0); // scale² ν/(ν−2)
 * }</pre>
 */
final class StudentTMarginal {

    private StudentTMarginal() {}

    /**
     * Returns {@code −log B(½, ν/2)} for {@code halfDof} = ν/2: the log density's normalising
     * constant {@code log Γ((ν+1)/2) − log Γ(ν/2) − ½ log π}, less the {@code −½ log(ν scale²)}
     * that each form adds.
     */
    static double logNormalizer(double halfDof) {
        return -Beta.logBeta(0.5, halfDof);
    }

    /**
     * The log density at {@code value} of the Student-t with {@code dof} degrees of freedom, {@code
     * location} and {@code scale}: {@code −log B(ν/2, ½) − ½ log ν − log scale − ((ν+1)/2) log1p(t²
     * / ν)} with {@code t = (value − location) / scale}.
     */
    static double logDensity(double value, double location, double scale, double dof) {
        final double t = (value - location) / scale;
        return logNormalizer(0.5 * dof)
                - 0.5 * Math.log(dof)
                - Math.log(scale)
                - 0.5 * (dof + 1.0) * Math.log1p(t * t / dof);
    }

    /**
     * The same log density in the parameters of a Normal-Inverse-Gamma predictive, at {@code
     * deviation} = value − location: {@code halfDof} = ν/2 = alphan and {@code dofScaleSquared} = ν
     * scale² = 2 betan (kappan + 1) / kappan; {@code −log B(½, ν/2) − ½ log(ν scale²) − (ν/2 + ½)
     * log1p(deviation² / (ν scale²))}.
     */
    static double logDensityOfDeviation(double deviation, double halfDof, double dofScaleSquared) {
        return logNormalizer(halfDof)
                - 0.5 * Math.log(dofScaleSquared)
                - (halfDof + 0.5) * Math.log1p(deviation * deviation / dofScaleSquared);
    }

    /** The variance {@code scale² ν/(ν−2)}, {@code +∞} for {@code ν <= 2}. */
    static double variance(double scaleSquared, double dof) {
        return dof > 2.0 ? scaleSquared * (dof / (dof - 2.0)) : Double.POSITIVE_INFINITY;
    }

    /**
     * The p-quantile of the standard Student-t with {@code dof} degrees of freedom, {@link
     * StudentTQuantile#quantile}: within 1e-12 relative of SciPy (checked by mpmath) for ν from
     * 1e-3 to 1e8, the four-term Cornish-Fisher expansion from 1e5 on.
     */
    static double quantile(double dof, double p) {
        return StudentTQuantile.quantile(dof, p);
    }
}
