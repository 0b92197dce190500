package dev.quiver.walk.flink;

import dev.quiver.io.Traced;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.schema.Observation;
import dev.quiver.walk.WalkOptions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The entry of the walk stage: checks each decoded observation with {@link
 * WalkObservationValidator} and turns a valid one into a {@link WalkStart}; an invalid one becomes
 * a dead letter with its original bytes.
 *
 * <p>Why the check is here and not only in the decode step: in the whole pipeline the walk stage
 * reads the observations the bayes stage decoded (one decode, so a bad record is one dead letter),
 * and those passed the bayes model's rules, not the walk's.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<WalkStart> starts = decoded
 *     .process(new WalkStartFunction(options))
 *     .returns(WalkStart.class);
 * }</pre>
 */
public final class WalkStartFunction extends ProcessFunction<Traced<Observation>, WalkStart> {

    private final WalkObservationValidator validator;
    private transient Counter deadLetters;

    /**
     * @param options the walk settings the observations are checked against
     */
    public WalkStartFunction(WalkOptions options) {
        this.validator = new WalkObservationValidator(options);
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter(DeadLetters.METRIC);
    }

    @Override
    public void processElement(Traced<Observation> traced, Context ctx, Collector<WalkStart> out) {
        String reason = validator.invalidReason(traced.record);
        if (reason != null) {
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of(traced.origin, reason));
            return;
        }
        out.collect(WalkStart.of(traced));
    }
}
