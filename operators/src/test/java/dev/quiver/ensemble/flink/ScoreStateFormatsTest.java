package dev.quiver.ensemble.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.SampleRecords;
import dev.quiver.io.flink.StateGoldenBytes;
import dev.quiver.schema.ModelUpdate;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/** The score operator's broadcast state (the model update in use) still reads its golden bytes. */
class ScoreStateFormatsTest {

    @Test
    void modelUpdateReadsItsGoldenBytes() throws IOException {
        ModelUpdate update = (ModelUpdate) SampleRecords.populated(ModelUpdate.class);
        new StateGoldenBytes<>(
                        ScoreFunction.class, "model_update", 1, ScoreFunction.MODEL_UPDATE_TYPE)
                .assertCurrentFormatReads(
                        update, (actual, expected) -> assertThat(actual).isEqualTo(expected));
    }
}
