package dev.quiver.ensemble.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.ensemble.Oracles;
import dev.quiver.ensemble.flink.ScoreFunction;
import dev.quiver.io.InputEnd;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.MicroBatchBroadcastOperator;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.Score;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** The javadoc examples of this package's public types, run so that they cannot rot. */
class ExamplesTest {

    @Test
    void scoreFunctionExample() throws IOException {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ModelUpdate initialUpdate =
                ScoreFunction.update(
                        "churn", 0, Oracles.bytes("xgb_bc_binary.json"), Instant.EPOCH);
        Observation observation =
                Observation.newBuilder()
                        .setKey("k")
                        .setTs(Instant.EPOCH)
                        .setValue(0)
                        .setFeatures(java.util.Collections.nCopies(30, 1.0))
                        .build();
        DataStream<Traced<Observation>> observations =
                env.fromData(
                        List.of(Traced.of(observation, RawRecord.of("t", 0, 0, new byte[0]))),
                        new TypeHint<Traced<Observation>>() {}.getTypeInfo());
        DataStream<RawRecord> rawModelUpdates =
                env.fromData(List.of(RawRecord.of("m", 0, 0, new byte[0])));
        // --- example (ModelsInput) ---
        ModelsInput modelsInput =
                new ModelsInput(RecordFormat.AVRO, 64 << 20, InputEnd.none(), 100_000);
        // ---

        BatchPolicy batchPolicy = new BatchPolicy(256, 100);
        DataStream<Score> scores =
                observations
                        .connect(rawModelUpdates.broadcast())
                        .transform(
                                "score",
                                TypeInformation.of(Score.class),
                                new MicroBatchBroadcastOperator<>(
                                        new ScoreFunction(
                                                "churn", initialUpdate, modelsInput, batchPolicy),
                                        List.of(ScoreFunction.MODELS)));

        assertThat(scores.getType().getTypeClass()).isEqualTo(Score.class);
        assertThat(env.getStreamGraph().getStreamNodes()).hasSize(3);
    }
}
