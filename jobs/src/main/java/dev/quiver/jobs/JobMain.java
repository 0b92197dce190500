package dev.quiver.jobs;

import picocli.CommandLine;

/**
 * The body of every job's {@code main}, the entry point a Flink cluster calls ({@code flink run -c
 * dev.quiver.jobs.BayesJob ...}): parses the arguments into the job's picocli command and runs it.
 * A failure must escape as an exception, since a cluster reads a returned main as success.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     JobMain.run(new WalkJob(), "walk", args);
 * }
 * }</pre>
 */
public final class JobMain {

    private JobMain() {}

    /**
     * Runs {@code job} with {@code args}.
     *
     * @throws IllegalStateException naming the job and the exit code when it does not exit 0
     */
    public static void run(Object job, String name, String[] args) {
        int exit = new CommandLine(job).execute(args);
        if (exit != 0) {
            throw new IllegalStateException(name + " job failed, exit code " + exit);
        }
    }
}
