package dev.quiver.cli;

import dev.quiver.jobs.JobFamily;
import dev.quiver.jobs.JobRegistry;
import dev.quiver.jobs.OneLineErrors;
import dev.quiver.jobs.UsageChecked;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;

import java.util.List;

/**
 * The {@code quiver} command line: a demo, a local broker, publishing and consuming topics, running
 * jobs locally, and a local Flink cluster. Exit codes: 0 success; 2 bad usage, anything wrong on
 * the command line (an unknown or malformed option, a value out of range, options that do not go
 * together, a path that cannot be read or written), reported before the command starts any work;
 * 1 a failure while it runs (a broker that does not answer, a file whose contents are refused, a
 * failed job). Either is one line on stderr naming the cause; for bad usage it also names the
 * command's help.
 *
 * <pre>{@code
 * quiver demo --events 20000
 * quiver run bayes --input obs.ndjson --output posteriors.ndjson
 * }</pre>
 */
@Command(
        name = "quiver",
        mixinStandardHelpOptions = true,
        versionProvider = QuiverCli.Version.class,
        description =
                "Streaming kNN, Bayesian updating, random walks and ensemble scoring on Flink and"
                        + " Kafka.",
        subcommands = {
            DemoCommand.class,
            BrokerCommand.class,
            PublishCommand.class,
            PublishModelCommand.class,
            ConsumeCommand.class,
            SchemasCommand.class,
            QuiverCli.RunCommand.class,
            ClusterCommand.class
        })
public final class QuiverCli {

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description =
                    "Show Flink and Kafka logs on the terminal too (they always go to the log"
                            + " file).")
    boolean verbose;

    /** Entry point of {@code bin/quiver}. */
    public static void main(String[] args) {
        CliLogging.configure(
                java.util.Arrays.asList(args).contains("-v")
                        || java.util.Arrays.asList(args).contains("--verbose"));
        System.exit(withLogNotice(commandLine()).execute(args));
    }

    /**
     * {@code cli} telling once where the logs go, on stderr, before it runs a command that starts
     * Flink or Kafka; the command's options are checked first, so bad usage is reported alone.
     */
    static CommandLine withLogNotice(CommandLine cli) {
        cli.setExecutionStrategy(
                parseResult -> {
                    if (startsFlinkOrKafka(parseResult)) {
                        checkUsage(parseResult);
                        cli.getErr().println("logs: " + CliLogging.logFile());
                        cli.getErr().flush();
                    }
                    return new CommandLine.RunLast().execute(parseResult);
                });
        return cli;
    }

    /**
     * Checks the options of the command to run, if it can check them before it runs. Bad usage
     * escapes as it is; anything else the checks throw (a file they read is refused) as the
     * command's failure, which the execution exception handler reports.
     */
    static void checkUsage(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult command = parseResult;
        while (command.subcommand() != null) {
            command = command.subcommand();
        }
        if (command.commandSpec().userObject() instanceof UsageChecked checked) {
            try {
                checked.checkUsage();
            } catch (ParameterException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CommandLine.ExecutionException(
                        command.commandSpec().commandLine(), e.getMessage(), e);
            }
        }
    }

    /** Commands besides the jobs whose frameworks log. */
    private static final List<String> STARTS_KAFKA = List.of("demo", "broker");

    /** Commands whose frameworks log: their users are told once where the log file is. */
    static boolean startsFlinkOrKafka(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult sub = parseResult.subcommand();
        boolean help = parseResult.isUsageHelpRequested() || parseResult.isVersionHelpRequested();
        while (sub != null && !help) {
            help = sub.isUsageHelpRequested() || sub.isVersionHelpRequested();
            String name = sub.commandSpec().name();
            if (!help && sub.subcommand() == null) {
                return STARTS_KAFKA.contains(name) || JobRegistry.names().contains(name);
            }
            sub = sub.subcommand();
        }
        return false;
    }

    /** The configured command line, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new QuiverCli());
        CommandLine run = cli.getSubcommands().get("run");
        for (JobFamily<?> family : JobRegistry.all()) {
            run.addSubcommand(family.name(), family.commandLine());
        }
        // After the jobs are added: the handlers reach only the subcommands there are now.
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    commandLine.getErr().println("quiver: " + OneLineErrors.oneLine(e));
                    commandLine.getErr().flush();
                    return CommandLine.ExitCode.SOFTWARE;
                });
        // Bad usage is one line too, not the error followed by the command's whole usage text.
        cli.setParameterExceptionHandler(OneLineErrors::badUsage);
        return cli;
    }

    /**
     * {@code quiver run JOB}: runs a job on an in-process Flink MiniCluster; its subcommands are
     * {@link JobRegistry}'s families, added by {@link #commandLine()}.
     */
    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run a job locally on Flink's MiniCluster (the same job a cluster runs).")
    static final class RunCommand implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Missing job: one of " + String.join(", ", spec.subcommands().keySet()));
        }
    }

    /** Prints the project version from the jar manifest or the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = QuiverCli.class.getPackage().getImplementationVersion();
            return new String[] {"quiver " + (version == null ? "(development build)" : version)};
        }
    }
}
