package dev.quiver.bayes.flink;

import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.io.flink.BatchPolicy;
import dev.quiver.io.flink.BatchedFunction;
import dev.quiver.io.flink.MicroBatch;
import dev.quiver.io.flink.OperatorMetrics;
import dev.quiver.schema.ChangePoint;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.TimestampedCollector;

import java.time.Instant;

/**
 * The bayes operator's results waiting for one flush ({@link BatchPolicy}: {@code --batch-size},
 * {@code --batch-timeout-ms}). Each holds its key's posterior as its observation left it, and the
 * flush summarizes them all (the credible intervals' quantile inversions, the costly part of a
 * result) and builds their updates in one pass, with one reused builder, in arrival order.
 *
 * <p>A waiting posterior is never changed again: the operator restores a key's posterior from its
 * state bytes for every record, so the next observation of the key updates a copy. The summaries
 * are therefore those of an unbatched run, whatever the batch size and whenever the flush. A
 * batch holds up to {@code --batch-size} posteriors (a regression's is its d x d precision).
 *
 * <pre>{@code
 * PosteriorEmissions emissions = new PosteriorEmissions(policy, out, metrics, updates);
 * boolean full = emissions.add(new Emission(key, posterior, id, ts, lp, score, null,
 *         System.nanoTime(), ctx.timestamp()), nowMs);
 * emissions.flushWaiting(emissions.waiting().size());   // then the operator clears the batch
 * }</pre>
 */
final class PosteriorEmissions {

    /**
     * One result to emit: the key, its posterior after the observation, and what the update
     * carries beside the posterior's summary.
     *
     * @param key the observation's key
     * @param posterior the key's posterior after the observation; never updated again
     * @param id the observation's id
     * @param tsMs the observation's event time, epoch milliseconds
     * @param logPredictive the observation's log predictive density before it was added
     * @param logScore the key's running sum of log predictive densities
     * @param changePoint the change-point view after the observation, or null without one
     * @param latencyFromNanos the {@link System#nanoTime()} its latency runs from
     * @param timestamp the stream timestamp of the result, or null for none
     */
    record Emission(
            String key,
            ConjugatePosterior posterior,
            String id,
            long tsMs,
            double logPredictive,
            double logScore,
            ChangePoint changePoint,
            long latencyFromNanos,
            Long timestamp) {}

    private final MicroBatch<Emission> batch;
    private final TimestampedCollector<PosteriorUpdate> out;
    private final OperatorMetrics metrics;
    private final Counter updates;

    /** Every update of a flush sets each field, so one builder serves them all. */
    private final PosteriorUpdate.Builder builder = PosteriorUpdate.newBuilder();

    /**
     * @param policy when the waiting results are flushed
     * @param out where a flush emits, each result with its own stream timestamp
     * @param metrics counts each result out, with its latency
     * @param updates counts each update emitted
     */
    PosteriorEmissions(
            BatchPolicy policy,
            TimestampedCollector<PosteriorUpdate> out,
            OperatorMetrics metrics,
            Counter updates) {
        this.batch = new MicroBatch<>(policy);
        this.out = out;
        this.metrics = metrics;
        this.updates = updates;
    }

    /** Adds a result, arrived at processing time {@code nowMs}; true when the batch is full. */
    boolean add(Emission emission, long nowMs) {
        return batch.add(emission, nowMs);
    }

    /** The results waiting for the next flush. */
    MicroBatch<Emission> waiting() {
        return batch;
    }

    /** Summarizes the first {@code count} waiting results and emits their updates in order. */
    void flushWaiting(int count) {
        for (int i = 0; i < count; i++) {
            Emission e = batch.get(i);
            PosteriorUpdates.fill(builder, e.key(), e.posterior().summarize())
                    .setId(e.id())
                    .setTs(Instant.ofEpochMilli(e.tsMs()))
                    .setLogPredictive(PosteriorUpdates.nullIfNaN(e.logPredictive()))
                    .setLogScore(PosteriorUpdates.nullIfNaN(e.logScore()))
                    .setChangepoint(e.changePoint())
                    .setScope(PosteriorUpdates.KEY_SCOPE);
            long latencyNanos = System.nanoTime() - e.latencyFromNanos();
            builder.setLatencyMs(latencyNanos / 1_000_000);
            BatchedFunction.collectAt(out, e.timestamp(), builder.build());
            updates.inc();
            metrics.eventOut(latencyNanos);
        }
    }
}
