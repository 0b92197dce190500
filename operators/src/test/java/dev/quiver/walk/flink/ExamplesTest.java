package dev.quiver.walk.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.MicroBatchKeyedOperator;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkOptions;
import dev.quiver.walk.flink.WalkFunctionTest;
import dev.quiver.walk.flink.WalkObservationValidator;
import dev.quiver.walk.flink.WalkStart;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.util.List;

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

    @Test
    void walkFunctionExample() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        WalkOptions options =
                new WalkOptions(WalkModel.simple(0.5), 10, 10, Double.NaN, 1L, 1, 0, 100L, 64);
        Observation observation = WalkFunctionTest.observation("o", "k", 3.0, 0);
        DataStream<WalkStart> starts =
                env.fromData(
                        List.of(WalkFunctionTest.start(observation)),
                        TypeInformation.of(WalkStart.class));
        // --- example (WalkFunction, MicroBatchKeyedOperator) ---
        DataStream<WalkSummary> summaries =
                starts.keyBy(start -> start.observation.getKey())
                        .transform(
                                "walk",
                                TypeInformation.of(WalkSummary.class),
                                new MicroBatchKeyedOperator<>(
                                        new WalkFunction(options, new BatchPolicy(256, 100))));
        // ---
        assertThat(summaries.getType().getTypeClass()).isEqualTo(WalkSummary.class);
        assertThat(env.getStreamGraph().getStreamNodes()).hasSize(2);
    }
}
