package dev.quiver.jobs;

import java.util.Arrays;

/**
 * The one main class for every job family: the first argument names the family in {@link
 * JobRegistry}, the rest are its options. A new family needs no main class of its own.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.QuiverJob quiver-jobs.jar walk --bootstrap kafka:9092 --steps 500
 * }</pre>
 */
public final class QuiverJob {

    private QuiverJob() {}

    /**
     * Runs the family named by {@code args[0]} with the remaining arguments.
     *
     * @throws IllegalArgumentException naming the known families when none or an unknown one is
     *     given
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException(
                    "usage: QuiverJob JOB [OPTIONS...]; JOB is one of "
                            + String.join(", ", JobRegistry.names()));
        }
        JobRegistry.named(args[0]).main(Arrays.copyOfRange(args, 1, args.length));
    }
}
