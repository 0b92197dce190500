package dev.quiver.io.flink;

import dev.quiver.io.DecodeException;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordDecoder;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Traced;
import dev.quiver.schema.DeadLetter;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes raw input into typed records and validates them; anything undecodable or invalid goes to
 * {@link DeadLetters#TAG} with its reason and original bytes, and the stream keeps flowing.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<Observation> obs = raw
 *     .process(DecodeFunction.of(Observation.class, RecordFormat.AVRO, maxBytes, validator))
 *     .returns(Observation.class);
 * DataStream<DeadLetter> dead = obs.getSideOutput(DeadLetters.TAG);
 * }</pre>
 *
 * @param <T> the record type
 */
public final class DecodeFunction<T extends SpecificRecord, O>
        extends ProcessFunction<RawRecord, O> {

    /** What the function emits for a valid record: the record itself, or the record traced. */
    @FunctionalInterface
    interface Emit<T, O> extends java.io.Serializable {
        O apply(T record, RawRecord origin);
    }

    private final Class<T> type;
    private final Emit<T, O> emit;
    private final RecordFormat format;
    private final int maxBytes;
    private final RecordValidator<T> validator;

    private transient RecordDecoder<T> decoder;
    private transient OperatorMetrics metrics;

    private DecodeFunction(
            Class<T> type,
            RecordFormat format,
            int maxBytes,
            RecordValidator<T> validator,
            Emit<T, O> emit) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.type = type;
        this.format = format;
        this.maxBytes = maxBytes;
        this.validator = validator;
        this.emit = emit;
    }

    /**
     * Emits each valid record.
     *
     * @param type the record class
     * @param format how the raw bytes are encoded
     * @param maxBytes records larger than this are rejected before parsing
     * @param validator the job's stateless rules for a valid record
     */
    public static <T extends SpecificRecord> DecodeFunction<T, T> of(
            Class<T> type, RecordFormat format, int maxBytes, RecordValidator<T> validator) {
        return new DecodeFunction<>(type, format, maxBytes, validator, (record, origin) -> record);
    }

    /** Emits each valid record with its origin, for operators that validate against state. */
    public static <T extends SpecificRecord> DecodeFunction<T, Traced<T>> traced(
            Class<T> type, RecordFormat format, int maxBytes, RecordValidator<T> validator) {
        return new DecodeFunction<>(type, format, maxBytes, validator, Traced::of);
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = RecordDecoder.of(type, format, maxBytes);
        // Decoding and validating bytes is plain Java: no compute capability covers it.
        metrics =
                OperatorMetrics.register(
                        getRuntimeContext().getMetricGroup(), OperatorMetrics.PLAIN_JAVA);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<O> out) {
        long arrivedNanos = metrics.eventIn();
        String reason;
        try {
            T record = decoder.decode(raw.payload);
            reason = validator.invalidReason(record);
            if (reason == null) {
                out.collect(emit.apply(record, raw));
                metrics.eventOut(System.nanoTime() - arrivedNanos);
                return;
            }
        } catch (DecodeException e) {
            reason = e.getMessage();
        }
        DeadLetter dead = DeadLetters.of(raw, reason);
        metrics.deadLetter();
        ctx.output(DeadLetters.TAG, dead);
    }
}
