package dev.quiver.ensemble.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.SampleRecords;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.StateGoldenBytes;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * The score operator's state formats still read their golden bytes: the broadcast state (the model
 * update in use) and the observations held until the models input is read to its end at the start.
 * The model offsets are Flink's own int and long serializers.
 */
class ScoreStateFormatsTest {

    @Test
    void modelUpdateReadsItsGoldenBytes() throws IOException {
        ModelUpdate update = (ModelUpdate) SampleRecords.populated(ModelUpdate.class);
        new StateGoldenBytes<>(
                        ScoreFunction.class, "model_update", 1, ScoreFunction.MODEL_UPDATE_TYPE)
                .assertCurrentFormatReads(
                        update, (actual, expected) -> assertThat(actual).isEqualTo(expected));
    }

    @Test
    void heldObservationReadsItsGoldenBytes() throws IOException {
        Traced<Observation> observation =
                Traced.of(
                        (Observation) SampleRecords.populated(Observation.class),
                        RawRecord.of(
                                "quiver.observations", 2, 4_321L, new byte[] {(byte) 0xC3, 1, 7}));
        new StateGoldenBytes<>(
                        ScoreFunction.class, "held_observation", 1, ScoreFunction.OBSERVATION_TYPE)
                .assertCurrentFormatReads(
                        observation,
                        (actual, expected) -> {
                            assertThat(actual.record).isEqualTo(expected.record);
                            assertThat(actual.origin).isEqualTo(expected.origin);
                        });
    }
}
