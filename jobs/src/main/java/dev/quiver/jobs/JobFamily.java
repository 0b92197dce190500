package dev.quiver.jobs;

import picocli.CommandLine;

import java.util.function.Supplier;

/**
 * A job family as the registry lists it: its name ({@code quiver run NAME}, {@code QuiverJob
 * NAME}, the consumer group {@code quiver-NAME}, the prefix of its source and sink uids), the
 * one-line description its help shows, and a factory of its {@link Stage}, a fresh one per command
 * line since picocli fills the stage's option fields.
 *
 * <pre>{@code
 * JobFamily<WalkStage> walk = JobRegistry.WALK;
 * JobCommand<WalkStage> job = walk.parse("--input", "obs.ndjson", "--output", "w.ndjson");
 * StreamExecutionEnvironment env = job.build();
 * }</pre>
 *
 * @param <S> the family's stage
 */
public record JobFamily<S extends Stage>(String name, String description, Supplier<S> newStage) {

    /** The family's picocli command: its stage's options beside the options every job shares. */
    public CommandLine commandLine() {
        return JobCommand.commandLine(this);
    }

    /**
     * The family's job with {@code args} parsed (picocli's exceptions for an unknown or malformed
     * option), not yet checked or built.
     */
    public JobCommand<S> parse(String... args) {
        CommandLine commandLine = commandLine();
        commandLine.parseArgs(args);
        return commandLine.getCommand();
    }

    /**
     * Runs the job with {@code args}, the body of every job's {@code main}, the entry point a Flink
     * cluster calls. A failure escapes as an exception, since a cluster reads a returned main as
     * success.
     *
     * <p>Bad usage is reported on one line, as {@code quiver run} reports it, rather than with
     * picocli's whole usage text in the cluster's log.
     *
     * @throws IllegalStateException naming the job and the exit code when it does not exit 0
     */
    public void main(String[] args) {
        CommandLine commandLine = commandLine();
        commandLine.setParameterExceptionHandler(OneLineErrors::badUsage);
        int exit = commandLine.execute(args);
        if (exit != 0) {
            throw new IllegalStateException(name + " job failed, exit code " + exit);
        }
    }
}
