package dev.quiver.jobs;

import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.DecodeFunction;
import dev.quiver.io.flink.TracedObservationType;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Stage} builds with: the environment, the stage's sources and sinks ({@link
 * PipelineIo}), one decode step for every input, and the stage's dead letters, collected from
 * every operator into the stage's one dead-letter sink.
 *
 * <pre>{@code
 * DataStream<RawRecord> raw = context.source(Topics.OBSERVATIONS, inputFile);
 * SingleOutputStreamOperator<Traced<Observation>> observations =
 *         context.decode(raw, Observation.class, validator, "decode observations", "echo-decode");
 * context.collectDeadLetters(observations);
 * }</pre>
 */
public final class StageContext {

    private final StreamExecutionEnvironment env;
    private final PipelineIo io;
    private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

    /** A context adding to {@code env}, reading and writing through {@code io}. */
    public StageContext(StreamExecutionEnvironment env, PipelineIo io) {
        this.env = env;
        this.io = io;
    }

    /** The environment the stage adds to. */
    public StreamExecutionEnvironment environment() {
        return env;
    }

    /** The stage's sources and sinks. */
    public PipelineIo io() {
        return io;
    }

    /** True when the stage reads and writes Kafka; false for files. */
    public boolean usesKafka() {
        return io.options().usesKafka();
    }

    /** The raw records of one input: a Kafka topic, or the lines of {@code file} in file mode. */
    public DataStream<RawRecord> source(String topic, Path file) {
        return io.source(env, topic, file);
    }

    /**
     * The raw records of a control input (a topic whose whole content configures the stage, such
     * as the score stage's models), read from its beginning on a fresh start; the lines of {@code
     * file} in file mode.
     */
    public DataStream<RawRecord> controlSource(String topic, Path file) {
        return io.controlSource(env, topic, file);
    }

    /**
     * Decodes raw records of {@code type} no larger than {@code --max-record-bytes}, keeping each
     * valid one with its origin; undecodable and invalid ones are the operator's dead letters
     * (collect them with {@link #collectDeadLetters}).
     */
    public <T extends SpecificRecord> SingleOutputStreamOperator<Traced<T>> decode(
            DataStream<RawRecord> raw,
            Class<T> type,
            RecordValidator<T> validator,
            String name,
            String uid) {
        return decode(raw, type, io.options().maxRecordBytes(), validator, name, uid);
    }

    /** As {@link #decode(DataStream, Class, RecordValidator, String, String)}, up to maxBytes. */
    public <T extends SpecificRecord> SingleOutputStreamOperator<Traced<T>> decode(
            DataStream<RawRecord> raw,
            Class<T> type,
            int maxBytes,
            RecordValidator<T> validator,
            String name,
            String uid) {
        return raw.process(DecodeFunction.traced(type, io.format(), maxBytes, validator))
                .returns(tracedType(type))
                .name(name)
                .uid(uid);
    }

    /**
     * The type of {@code Traced<T>}, the same as {@code new TypeHint<Traced<T>>() {}} would give
     * for a concrete {@code T} (a type hint cannot see a type variable's class); observations,
     * which every observation stage shuffles by key, have their own serializer ({@link
     * TracedObservationType}).
     */
    static <T> TypeInformation<Traced<T>> tracedType(Class<T> type) {
        if (type == Observation.class) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            TypeInformation<Traced<T>> observations =
                    (TypeInformation) TracedObservationType.INSTANCE;
            return observations;
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeInformation<Traced<T>> traced =
                (TypeInformation)
                        Types.POJO(
                                Traced.class,
                                Map.of(
                                        "record", TypeInformation.of(type),
                                        "origin", TypeInformation.of(RawRecord.class)));
        return traced;
    }

    /** Collects the dead letters of operators that emit them ({@link DeadLetters#TAG}). */
    public void collectDeadLetters(SingleOutputStreamOperator<?>... operators) {
        for (SingleOutputStreamOperator<?> operator : operators) {
            deadLetters.add(operator.getSideOutput(DeadLetters.TAG));
        }
    }

    /** Collects dead letters already split off. */
    public void collectDeadLetters(DataStream<DeadLetter> letters) {
        deadLetters.add(letters);
    }

    /** Writes everything collected to the stage's one dead-letter sink (none if nothing was). */
    void writeDeadLetters() {
        if (deadLetters.isEmpty()) {
            return;
        }
        DataStream<DeadLetter> first = deadLetters.get(0);
        @SuppressWarnings("unchecked")
        DataStream<DeadLetter>[] rest =
                deadLetters.subList(1, deadLetters.size()).toArray(DataStream[]::new);
        io.deadLetterSink(rest.length == 0 ? first : first.union(rest));
    }
}
