package dev.quiver.jobs;

/**
 * The main class a Flink cluster runs for the match job: {@link JobRegistry#MATCH}, the same job
 * as {@code quiver run match} (see {@link MatchStage} for what it does). The deploy manifests and
 * scripts name this class; {@link QuiverJob} runs any family by name.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.MatchJob quiver-jobs.jar --bootstrap kafka:9092 --order event-time
 * }</pre>
 */
public final class MatchJob {

    private MatchJob() {}

    /** Runs the job; a bad option or a failed job escapes as an exception. */
    public static void main(String[] args) {
        JobRegistry.MATCH.main(args);
    }
}
