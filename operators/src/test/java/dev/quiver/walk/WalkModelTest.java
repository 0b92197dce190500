package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The step law as a value: the canonical constructor takes exactly the laws the factories make, and
 * equality is by kind and parameters.
 */
class WalkModelTest {

    @Test
    void theConstructorBuildsWhatTheFactoriesBuild() {
        assertThat(new WalkModel(WalkModel.Kind.SIMPLE, 0.5, 0, 0, 0, Double.NaN))
                .isEqualTo(WalkModel.simple(0.5))
                .hasSameHashCodeAs(WalkModel.simple(0.5));
        assertThat(new WalkModel(WalkModel.Kind.STUDENT_T, Double.NaN, 0, 0.1, 1.5, 7.0))
                .isEqualTo(WalkModel.studentT(0.1, 1.5, 7.0));
        assertThat(WalkModel.lazy(0.2, 0.5)).isNotEqualTo(WalkModel.lazy(0.2, 0.6));
    }

    @Test
    void aParameterTheLawDoesNotTakeIsRefused() {
        assertThatThrownBy(() -> new WalkModel(WalkModel.Kind.SIMPLE, 0.5, 0.3, 0, 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a simple step takes no other parameter");
        assertThatThrownBy(() -> new WalkModel(WalkModel.Kind.GAUSSIAN, 0.5, 0, 0, 1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a gaussian step takes no other parameter");
        assertThatThrownBy(() -> new WalkModel(WalkModel.Kind.GAUSSIAN, Double.NaN, 0, 0, 1, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachFactoryStillRefusesItsOutOfRangeParameters() {
        assertThatThrownBy(() -> WalkModel.simple(1.5)).hasMessage("p must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> WalkModel.lazy(1.0, 0.5))
                .hasMessage("laziness r must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> WalkModel.gaussian(0, 0))
                .hasMessage("sigma must be positive and finite, got 0.0");
        assertThatThrownBy(() -> WalkModel.studentT(Double.NaN, 1, 1))
                .hasMessage("location must be finite, got NaN");
        assertThatThrownBy(() -> WalkModel.studentT(0, 1, 0))
                .hasMessage("degrees of freedom must be positive and finite, got 0.0");
    }
}
