package dev.quiver.walk.flink;

import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.NormalInverseGammaPosterior;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.io.flink.KernelState;
import dev.quiver.walk.StepPosterior;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The bayes stage of a posterior-driven walk: per key, learns the Normal-Inverse-Gamma posterior of
 * the increments between consecutive levels ({@link StepPosterior}) and hands each observation
 * downstream with the posterior predictive of the next step, computed after that observation's own
 * increment.
 *
 * <p>Why a stage in the chain, not a second stream joined to the walk: each observation carries the
 * step law its walk must use, so the walk of observation {@code i} of a key uses exactly the
 * posterior of the increments up to {@code i}, whatever the parallelism, the batching or a replay
 * after a restore (both stages' keyed state is in the same checkpoint, and a key's records keep
 * their order from one keyed subtask to the next).
 *
 * <p>State of record, keyed: the posterior's headered bytes ({@link
 * NormalInverseGammaPosterior#toBytes()}, the bayes kernel's own format) and the latest level. A
 * restored key whose posterior has another prior than this job's fails the job with a message,
 * never a silent mix. A level whose increment the NIG kernel refuses (a step beyond {@value
 * NormalInverseGammaPosterior#MAX_ABS_VALUE}) is a dead letter, judged against the key's latest
 * level, and changes nothing.
 *
 * <pre>{@code
 * DataStream<WalkStart> predicted = starts
 *     .keyBy(start -> start.observation.getKey())
 *     .process(new StepPosteriorFunction(normalPrior));
 * }</pre>
 */
public final class StepPosteriorFunction
        extends KeyedProcessFunction<String, WalkStart, WalkStart> {

    private final BayesOptions prior;

    private transient ValueState<byte[]> posteriorState;
    private transient ValueState<Double> levelState;
    private transient NormalInverseGammaPosterior empty;
    private transient Counter updates;
    private transient Counter deadLetters;

    /**
     * @param prior bayes options of {@code --model normal}: only the model and its prior are read
     * @throws IllegalArgumentException for another model
     */
    public StepPosteriorFunction(BayesOptions prior) {
        if (!prior.model().equals(NormalInverseGammaPosterior.MODEL)) {
            throw new IllegalArgumentException(
                    "the step posterior is the "
                            + NormalInverseGammaPosterior.MODEL
                            + " model, got "
                            + prior.model());
        }
        this.prior = prior;
    }

    @Override
    public void open(OpenContext openContext) {
        posteriorState = getRuntimeContext().getState(KernelState.value("stepPosterior"));
        levelState =
                getRuntimeContext().getState(new ValueStateDescriptor<>("level", Types.DOUBLE));
        empty = (NormalInverseGammaPosterior) prior.newPosterior();
        updates = getRuntimeContext().getMetricGroup().counter("stepPosteriorUpdates");
        deadLetters = getRuntimeContext().getMetricGroup().counter(DeadLetters.METRIC);
    }

    @Override
    public void processElement(WalkStart start, Context ctx, Collector<WalkStart> out)
            throws Exception {
        StepPosterior steps = restore(ctx.getCurrentKey());
        double level = start.observation.getValue();
        String reason = steps.invalidReason(level);
        if (reason != null) {
            deadLetters.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of(start.origin, reason));
            return;
        }
        steps.observe(level);
        posteriorState.update(steps.increments().toBytes());
        levelState.update(level);
        updates.inc();
        start.setStepLaw(steps.predictive());
        out.collect(start);
    }

    private StepPosterior restore(String key) throws Exception {
        byte[] bytes = posteriorState.value();
        if (bytes == null) {
            return StepPosterior.withPrior(empty);
        }
        NormalInverseGammaPosterior posterior = NormalInverseGammaPosterior.fromBytes(bytes);
        if (!StepPosterior.learnedFrom(posterior, empty)) {
            throw new IllegalStateException(
                    "the step posterior of key '"
                            + key
                            + "' was written with another prior than this job's ("
                            + posterior
                            + " against "
                            + empty
                            + "); restore with the options it was written with");
        }
        return StepPosterior.restore(posterior, levelState.value());
    }
}
