package dev.quiver.jobs;

/**
 * A command whose options can be checked before it starts any work. The {@code quiver} CLI checks
 * them before it prints where Flink's and Kafka's logs go, so that bad usage is reported alone,
 * as one line and a hint; the command's {@code call()} checks them too, for callers without the
 * CLI.
 *
 * <pre>{@code
 * if (parseResult.commandSpec().userObject() instanceof UsageChecked command) {
 *     command.checkUsage(); // ParameterException: --decay must be in (0, 1], got 2.0
 * }
 * }</pre>
 */
public interface UsageChecked {

    /**
     * Checks the command's options; repeated calls check once.
     *
     * @throws picocli.CommandLine.ParameterException naming the option at fault: bad usage
     */
    void checkUsage();
}
