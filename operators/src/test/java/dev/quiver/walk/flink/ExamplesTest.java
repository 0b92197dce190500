package dev.quiver.walk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.flink.WalkFunctionTest;
import dev.quiver.walk.flink.WalkObservationValidator;
import dev.quiver.walk.flink.WalkStart;

import org.junit.jupiter.api.Test;

/** The javadoc examples of this package's public types, run so that they cannot rot. */
class ExamplesTest {

    @Test
    void walkStartExample() {
        Observation observation = WalkFunctionTest.observation("o", "k", 3.0, 0);
        RawRecord raw = RawRecord.of("quiver.observations", 0, 7L, new byte[] {1});
        WalkStart start = WalkStart.of(Traced.of(observation, raw));
        assertThat(start.stepLaw(WalkModel.simple(0.5))).isEqualTo(WalkModel.simple(0.5));
        start.setStepLaw(WalkModel.studentT(0.2, 1.1, 9));
        assertThat(start.stepLaw(WalkModel.simple(0.5))).isEqualTo(WalkModel.studentT(0.2, 1.1, 9));
    }

    @Test
    void walkObservationValidatorExample() {
        WalkOptions options =
                new WalkOptions(WalkModel.simple(0.5), 10, 10, Double.NaN, 1L, 1, 0, 100L, 64);
        dev.quiver.io.RecordValidator<dev.quiver.schema.Observation> validator =
                new WalkObservationValidator(options);
        assertThat(validator.invalidReason(WalkFunctionTest.observation("o", "k", 1, 0))).isNull();
    }
}
