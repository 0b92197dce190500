package dev.quiver.jobs;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Whether a job built now runs in this JVM ({@code quiver run}, a job main started with {@code
 * java}: Flink's MiniCluster) or on a cluster that submitted its main ({@code flink run},
 * application mode). What Quiver decides for a run in this JVM (probing a compute backend,
 * temporary checkpoint storage, a bounded restart strategy) it leaves to the cluster's own
 * configuration otherwise.
 *
 * <pre>{@code
 * if (LocalExecution.runsInThisJvm()) {
 *     ComputeBackends.requireAvailable(name);
 * }
 * }</pre>
 */
final class LocalExecution {

    private LocalExecution() {}

    /**
     * True when a job built now executes in this JVM: no cluster has set a context environment
     * (as {@code flink run} and application mode do), so Flink's environment is a local one.
     */
    static boolean runsInThisJvm() {
        return StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof LocalStreamEnvironment;
    }
}
