package dev.quiver.jobs;

/**
 * The main class a Flink cluster runs for the score job: {@link JobRegistry#SCORE}, the same job
 * as {@code quiver run score} (see {@link ScoreStage} for what it does). The deploy manifests and
 * scripts name this class; {@link QuiverJob} runs any family by name.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.ScoreJob quiver-jobs.jar --bootstrap kafka:9092 --model churn.json
 * }</pre>
 */
public final class ScoreJob {

    private ScoreJob() {}

    /** Runs the job; a bad option or a failed job escapes as an exception. */
    public static void main(String[] args) {
        JobRegistry.SCORE.main(args);
    }
}
