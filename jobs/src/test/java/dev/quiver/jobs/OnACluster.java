package dev.quiver.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.function.Supplier;

/**
 * Runs test code as a job main runs on a Flink cluster: with a context environment set, as {@code
 * flink run} and application mode set one, so that Flink's environment is not a local one and a
 * job built there does not run in this JVM.
 *
 * <pre>{@code
 * OnACluster.run(() -> new BackendOption("cuda").check()); // no probe: the JobManager has no GPU
 * }</pre>
 */
final class OnACluster extends StreamExecutionEnvironment {

    private OnACluster() {}

    /** Runs {@code body} with a cluster's context environment set, and unset after. */
    static void run(Runnable body) {
        call(
                () -> {
                    body.run();
                    return null;
                });
    }

    /** As {@link #run(Runnable)}, returning what {@code body} returns. */
    static <T> T call(Supplier<T> body) {
        initializeContextEnvironment(StreamExecutionEnvironment::new);
        try {
            return body.get();
        } finally {
            resetContextEnvironment();
        }
    }
}
