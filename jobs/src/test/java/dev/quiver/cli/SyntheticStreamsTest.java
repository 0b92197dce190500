package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.Observation;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

class SyntheticStreamsTest {

    private static final long SEED = 20261207L;
    private static final long START = 1_700_000_000_000L;

    @Test
    void noFeaturesGivesTheRecordsOfTheFiveArgumentConstructor() {
        SyntheticStreams plain = new SyntheticStreams(SEED, 20, 3, "default", START);
        SyntheticStreams none = new SyntheticStreams(SEED, 20, 3, "default", START, 0);
        LongStream.range(0, 1000)
                .forEach(i -> assertThat(none.observation(i)).isEqualTo(plain.observation(i)));
    }

    @Test
    void featuresAreUniformInTheUnitIntervalAndSeeded() {
        SyntheticStreams first = new SyntheticStreams(SEED, 20, 3, "default", START, 30);
        SyntheticStreams again = new SyntheticStreams(SEED, 20, 3, "default", START, 30);
        double sum = 0;
        int n = 2000;
        for (long i = 0; i < n; i++) {
            Observation observation = first.observation(i);
            assertThat(again.observation(i)).isEqualTo(observation);
            assertThat(observation.getFeatures())
                    .hasSize(30)
                    .allSatisfy(f -> assertThat(f).isBetween(0.0, 1.0).isNotEqualTo(1.0));
            sum += observation.getFeatures().stream().mapToDouble(Double::doubleValue).sum();
        }
        // The mean of 60,000 U(0,1) draws: standard deviation sqrt(1/12/60000) = 0.0012; 5 sigma.
        assertThat(sum / (n * 30.0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.006));
    }

    @Test
    void theFirstObservationKeepsItsKeyAndValueWithFeatures() {
        Observation plain = new SyntheticStreams(SEED, 20, 3, "default", START).observation(0);
        Observation featured =
                new SyntheticStreams(SEED, 20, 3, "default", START, 5).observation(0);
        assertThat(featured.getKey()).isEqualTo(plain.getKey());
        assertThat(featured.getValue()).isEqualTo(plain.getValue());
        assertThat(plain.getFeatures()).isEmpty();
    }

    @Test
    void negativeFeaturesAreRefused() {
        assertThatThrownBy(() -> new SyntheticStreams(SEED, 20, 3, "default", START, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("features must not be negative, got -1");
    }
}
