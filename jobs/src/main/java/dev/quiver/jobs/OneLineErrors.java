package dev.quiver.jobs;

import picocli.CommandLine;

import java.util.List;

/**
 * Errors as one line a user can read: bad usage as the cause and where the options are described
 * (exit code 2), a failure as the most telling message of its exception chain. The {@code quiver}
 * CLI and the job mains a cluster runs report them the same way.
 *
 * <pre>{@code
 * commandLine.setParameterExceptionHandler(OneLineErrors::badUsage);
 * // quiver run walk: --steps must be at least 1, got -5 (see 'quiver run walk --help')
 * }</pre>
 */
public final class OneLineErrors {

    /** Flink's messages that only wrap their cause: a job that failed to start, or to run. */
    private static final List<String> FLINK_WRAPPERS =
            List.of(
                    "Failed to execute job",
                    "Could not start the JobMaster",
                    "Job execution failed",
                    "Recovery is suppressed");

    private OneLineErrors() {}

    /**
     * Reports bad usage on one line, naming where the options are described, instead of picocli's
     * message followed by the whole usage text; returns the command's exit code for invalid input.
     */
    public static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr()
                .println(
                        "quiver: "
                                + oneLine(e)
                                + " (see '"
                                + command.getCommandSpec().qualifiedName()
                                + " --help')");
        command.getErr().flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * The most telling message of an exception chain, on one line: the outermost message, unless
     * the exception only wraps its cause (executors, Flink's job failure wrappers).
     */
    public static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && isWrapper(t)) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static boolean isWrapper(Throwable t) {
        String message = t.getMessage();
        return message == null
                || message.equals(t.getCause().toString())
                || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException
                || t instanceof java.lang.reflect.InvocationTargetException
                || FLINK_WRAPPERS.stream().anyMatch(message::startsWith);
    }
}
