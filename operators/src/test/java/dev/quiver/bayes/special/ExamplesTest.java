package dev.quiver.bayes.special;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Runs the code of each public type's javadoc example, so the examples cannot rot. Keep each test
 * body in step with the {@code <pre>{@code ...}</pre>} block it names.
 */
class ExamplesTest {

    @Test
    void betaQuantileExample() {
        double low = BetaQuantile.quantile(8.0, 4.0, 0.025);
        double high = BetaQuantile.quantile(8.0, 4.0, 0.975);
        assertThat(low).isCloseTo(0.39025744042757876, within(1e-15));
        assertThat(high).isCloseTo(0.8907365561809019, within(1e-15));
    }

    @Test
    void gammaQuantileExample() {
        double low = GammaQuantile.quantile(12.0, 0.025);
        double high = GammaQuantile.quantile(12.0, 0.975);
        double far = GammaQuantile.upperQuantile(12.0, 1e-12);
        assertThat(low).isCloseTo(6.200575108722218, within(1e-14));
        assertThat(high).isCloseTo(19.682038513301954, within(1e-14));
        assertThat(far).isCloseTo(54.286668029405, within(1e-13));
    }

    @Test
    void studentTQuantileExample() {
        double upper = StudentTQuantile.quantile(9.0, 0.975);
        double lower = StudentTQuantile.quantile(9.0, 0.025);
        assertThat(upper).isCloseTo(2.262157162798205, within(1e-15));
        assertThat(lower).isCloseTo(-2.262157162798205, within(1e-15));
    }

    @Test
    void normalQuantileExample() {
        double z = NormalQuantile.quantile(0.975);
        double far = NormalQuantile.quantile(1e-12);
        assertThat(z).isCloseTo(1.959963984540054, within(1e-15));
        assertThat(far).isCloseTo(-7.034483825301131, within(1e-14));
    }

    @Test
    void incompleteBetaExample() {
        double lower = IncompleteBeta.regularized(2.0, 3.0, 0.4);
        double upper = IncompleteBeta.complement(2.0, 3.0, 0.4);
        assertThat(lower).isCloseTo(0.5248, within(1e-15));
        assertThat(upper).isCloseTo(0.4752, within(1e-15));
    }

    @Test
    void incompleteGammaExample() {
        double lower = IncompleteGamma.regularizedP(3.0, 2.0);
        double upper = IncompleteGamma.regularizedQ(3.0, 2.0);
        assertThat(lower).isCloseTo(1.0 - 5.0 * Math.exp(-2.0), within(1e-15));
        assertThat(upper).isCloseTo(5.0 * Math.exp(-2.0), within(1e-15));
    }
}
