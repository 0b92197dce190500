package dev.quiver.jobs;

import dev.quiver.io.flink.BatchPolicy;

import picocli.CommandLine.Option;

/**
 * The micro-batching of the stages whose operator calls a kernel per record (score, walk, and
 * bayes, whose summaries are the batched work), a picocli mixin: up to {@code --batch-size} records' kernel work in one call, each waiting at most
 * {@code --batch-timeout-ms} of processing time, and always flushed before a checkpoint barrier,
 * so results and exactly-once are those of an unbatched run.
 *
 * <p>The default of 256 amortises a kernel call's fixed cost (a GPU launch and its transfers, some
 * microseconds; a CPU call's dispatch and scratch set-up) over enough rows to make it small, while a
 * full batch stays small in memory (256 rows, or 256 walk results). The default timeout of 10 ms
 * bounds what batching adds to a result's latency (its time to the sink, which the end-to-end
 * latency target counts, docs/benchmarks.md) at a rate too low to fill a batch sooner: at 100 ms it
 * was most of that latency. Under load a batch fills long before the timeout, so the timeout costs
 * a backfill nothing; at a moderate rate it means a kernel call per 10 ms of records, still many
 * records per call. With Kafka, {@code read_committed} consumers see results when their
 * checkpoint completes, and every batch is flushed before its barrier. {@code --batch-size 1} runs
 * each record on its own, as before micro-batching.
 *
 * <pre>{@code
 * quiver run score --model churn.json --input obs.ndjson --output scores.ndjson --batch-size 1000
 * quiver run walk --input obs.ndjson --output walks.ndjson --batch-size 1
 * quiver run bayes --input obs.ndjson --output posteriors.ndjson --batch-timeout-ms 20
 * }</pre>
 */
final class BatchOptions {

    @Option(
            names = "--batch-size",
            paramLabel = "N",
            defaultValue = "256",
            description =
                    "Most records whose kernel work runs in one call, across keys; 1 runs each"
                            + " record on its own (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--batch-timeout-ms",
            paramLabel = "MS",
            defaultValue = "10",
            description =
                    "Longest wait of a record for its batch, in processing time; batches are also"
                            + " flushed before every checkpoint (default: ${DEFAULT-VALUE}).")
    long batchTimeoutMs;

    /**
     * The batch policy of these options.
     *
     * @throws IllegalArgumentException naming the option and its bad value
     */
    BatchPolicy policy() {
        return new BatchPolicy(batchSize, batchTimeoutMs);
    }
}
