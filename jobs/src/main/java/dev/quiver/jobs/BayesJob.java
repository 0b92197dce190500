package dev.quiver.jobs;

/**
 * The main class a Flink cluster runs for the bayes job: {@link JobRegistry#BAYES}, the same job
 * as {@code quiver run bayes} (see {@link BayesStage} for what it does). The deploy manifests and
 * scripts name this class; {@link QuiverJob} runs any family by name.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.BayesJob quiver-jobs.jar --bootstrap kafka:9092 --prior-alpha 2
 * }</pre>
 */
public final class BayesJob {

    private BayesJob() {}

    /** Runs the job; a bad option or a failed job escapes as an exception. */
    public static void main(String[] args) {
        JobRegistry.BAYES.main(args);
    }
}
