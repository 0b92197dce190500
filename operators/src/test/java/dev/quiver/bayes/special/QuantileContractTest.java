package dev.quiver.bayes.special;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/** The ends of the probability range, bad arguments, and monotonicity in p. */
class QuantileContractTest {

    @Test
    void endsOfTheRangeMapToTheEndsOfTheSupport() {
        assertThat(BetaQuantile.quantile(2.0, 3.0, 0.0)).isEqualTo(0.0);
        assertThat(BetaQuantile.quantile(2.0, 3.0, 1.0)).isEqualTo(1.0);
        assertThat(GammaQuantile.quantile(2.0, 0.0)).isEqualTo(0.0);
        assertThat(GammaQuantile.quantile(2.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(GammaQuantile.upperQuantile(2.0, 1.0)).isEqualTo(0.0);
        assertThat(GammaQuantile.upperQuantile(2.0, 0.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(StudentTQuantile.quantile(3.0, 0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(StudentTQuantile.quantile(3.0, 0.5)).isEqualTo(0.0);
        assertThat(StudentTQuantile.quantile(3.0, 1.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(NormalQuantile.quantile(0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(NormalQuantile.quantile(0.5)).isEqualTo(0.0);
        assertThat(NormalQuantile.quantile(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void badArgumentsAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> BetaQuantile.quantile(0.0, 1.0, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a = 0.0");
        assertThatThrownBy(() -> BetaQuantile.quantile(1.0, Double.NaN, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("b = NaN");
        assertThatThrownBy(() -> BetaQuantile.quantile(1.0, 1.0, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> GammaQuantile.quantile(-1.0, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1.0");
        assertThatThrownBy(() -> GammaQuantile.upperQuantile(1.0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got NaN");
        assertThatThrownBy(() -> StudentTQuantile.quantile(0.0, 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> NormalQuantile.quantile(-0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -0.1");
        assertThatThrownBy(() -> IncompleteBeta.regularized(1.0, 1.0, 1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x = 1.5");
        assertThatThrownBy(() -> IncompleteGamma.regularizedP(1.0, -1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x = -1.0");
    }

    @Test
    void quantilesNeverDecreaseInP() {
        final SplittableRandom random = new SplittableRandom(42L);
        for (int i = 0; i < 200; i++) {
            final double a = Math.exp(random.nextDouble(-3.0, 12.0));
            final double b = Math.exp(random.nextDouble(-3.0, 12.0));
            final double p = random.nextDouble(1e-9, 1.0 - 1e-6);
            final double next = Math.nextUp(p + 1e-7);
            assertThat(BetaQuantile.quantile(a, b, next))
                    .as("beta(%s, %s) at %s", a, b, p)
                    .isGreaterThanOrEqualTo(BetaQuantile.quantile(a, b, p));
            assertThat(GammaQuantile.quantile(a, next))
                    .as("gamma(%s) at %s", a, p)
                    .isGreaterThanOrEqualTo(GammaQuantile.quantile(a, p));
            assertThat(StudentTQuantile.quantile(b, next))
                    .as("t(%s) at %s", b, p)
                    .isGreaterThanOrEqualTo(StudentTQuantile.quantile(b, p));
        }
    }
}
