package dev.quiver.bayes.special;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names; the values in the javadoc
 * comments are SciPy 1.17.1's, or closed forms.
 */
class ExamplesTest {

    /** Agreement to a few units in the last place of the values quoted in the javadoc. */
    private static final double LAST_PLACES = 1e-15;

    /** Asserts {actual, quoted, actual, quoted, ...} pairs. */
    private static void assertQuoted(double... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            assertThat(pairs[i]).isCloseTo(pairs[i + 1], within(LAST_PLACES * Math.abs(pairs[i + 1])));
        }
    }

    @Test
    void quantileExamples() {
        // BetaQuantile, GammaQuantile, StudentTQuantile and NormalQuantile, in that order.
        assertQuoted(
                BetaQuantile.quantile(8.0, 4.0, 0.025), 0.39025744042757876,
                BetaQuantile.quantile(8.0, 4.0, 0.975), 0.8907365561809019,
                GammaQuantile.quantile(12.0, 0.025), 6.200575108722218,
                GammaQuantile.quantile(12.0, 0.975), 19.682038513301954,
                GammaQuantile.upperQuantile(12.0, 1e-12), 54.286668029405,
                StudentTQuantile.quantile(9.0, 0.975), 2.262157162798205,
                StudentTQuantile.quantile(9.0, 0.025), -2.262157162798205,
                NormalQuantile.quantile(0.975), 1.959963984540054,
                NormalQuantile.quantile(1e-12), -7.034483825301131);
    }

    @Test
    void incompleteFunctionExamples() {
        // IncompleteBeta: 6 x²y² + 4 x³y + x⁴ at x = 0.4, y = 0.6, and its complement;
        // IncompleteGamma: 1 − (1 + x + x²/2) e^−x at x = 2, and its complement.
        assertQuoted(
                IncompleteBeta.regularized(2.0, 3.0, 0.4), 0.5248,
                IncompleteBeta.complement(2.0, 3.0, 0.4), 0.4752,
                IncompleteGamma.regularizedP(3.0, 2.0), 1.0 - 5.0 * Math.exp(-2.0),
                IncompleteGamma.regularizedQ(3.0, 2.0), 5.0 * Math.exp(-2.0));
    }
}
