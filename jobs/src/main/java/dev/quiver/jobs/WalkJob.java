package dev.quiver.jobs;

/**
 * The main class a Flink cluster runs for the walk job: {@link JobRegistry#WALK}, the same job
 * as {@code quiver run walk} (see {@link WalkStage} for what it does). The deploy manifests and
 * scripts name this class; {@link QuiverJob} runs any family by name.
 *
 * <pre>{@code
 * flink run -c dev.quiver.jobs.WalkJob quiver-jobs.jar --bootstrap kafka:9092 --steps 1000 \
 *     --paths 10000 --barrier 20 --seed 7
 * }</pre>
 */
public final class WalkJob {

    private WalkJob() {}

    /** Runs the job; a bad option or a failed job escapes as an exception. */
    public static void main(String[] args) {
        JobRegistry.WALK.main(args);
    }
}
