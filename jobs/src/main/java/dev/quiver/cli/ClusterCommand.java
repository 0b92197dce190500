package dev.quiver.cli;

import dev.quiver.jobs.KafkaClientOptions;
import dev.quiver.jobs.WritableDirectoryConverter;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code quiver cluster up|down|submit|status}: a local Flink session cluster beside a real Kafka
 * broker, each process its own JVM, through the {@code deploy/local} scripts of the checkout.
 *
 * <p>Each subcommand runs its script with the terminal passed through and exits with the script's
 * exit code. {@code bin/quiver} tells the CLI where the checkout is (system property {@value
 * #HOME_PROPERTY}); without it the command fails with a one-line message.
 *
 * <pre>{@code
 * $ quiver cluster up --taskmanagers 2
 * $ quiver cluster submit bayes --parallelism 2 -- --prior-alpha 2
 * $ quiver cluster status
 * $ quiver cluster down
 * }</pre>
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "A local Flink session cluster (JobManager and TaskManagers as separate JVMs) beside a"
                    + " real Kafka broker, through the scripts in deploy/local/.",
            "Ports: QUIVER_KAFKA_PORT (9092), QUIVER_FLINK_PORT (8081), QUIVER_FLINK_RPC_PORT"
                    + " (6123), QUIVER_PROM_PORTS (9250-9269); run dir QUIVER_RUN_DIR"
                    + " (<checkout>/.run/local)."
        },
        subcommands = {
            ClusterCommand.Up.class,
            ClusterCommand.Down.class,
            ClusterCommand.Submit.class,
            ClusterCommand.Status.class
        })
public final class ClusterCommand implements Callable<Integer> {

    /** The checkout whose {@code deploy/local} scripts run; set by {@code bin/quiver}. */
    public static final String HOME_PROPERTY = "quiver.home";

    @Spec private CommandSpec spec;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            converter = WritableDirectoryConverter.class,
            description =
                    "Where the cluster keeps pids, logs, broker data, checkpoints and savepoints"
                            + " (default: $QUIVER_RUN_DIR, else <checkout>/.run/local).")
    private Path runDir;

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: one of " + String.join(", ", spec.subcommands().keySet()));
    }

    /**
     * Runs {@code deploy/local/<script>} with {@code args}, the terminal passed through, and
     * returns its exit code.
     */
    int runScript(String script, List<String> args) throws IOException, InterruptedException {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new IllegalStateException(
                    "quiver cluster runs the scripts of a checkout: start it with bin/quiver (or"
                            + " set -D"
                            + HOME_PROPERTY
                            + "=<checkout>)");
        }
        Path path = Path.of(home, "deploy", "local", script);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("no executable script " + path);
        }
        List<String> command = new ArrayList<>();
        command.add(path.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (runDir != null) {
            builder.environment().put("QUIVER_RUN_DIR", runDir.toAbsolutePath().toString());
        }
        Process process = builder.start();
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            // Ctrl-C reaches the script through the terminal; an interrupt of this thread must
            // not leave it running unseen.
            process.destroy();
            throw e;
        }
    }

    /**
     * A subcommand: runs the script of its own name ({@code deploy/local/up} for {@code up}) with
     * the arguments its options give, and exits with the script's exit code.
     */
    abstract static class ScriptCommand implements Callable<Integer> {
        @ParentCommand private ClusterCommand cluster;

        @Spec private CommandSpec spec;

        /** The script's arguments, from this subcommand's options. */
        abstract List<String> scriptArgs();

        @Override
        public final Integer call() throws Exception {
            return cluster.runScript(spec.name(), scriptArgs());
        }
    }

    /** {@code quiver cluster up}. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = {
                "Start the broker, a JobManager and TaskManagers (building the job jar first if"
                        + " missing); wait until all are ready. Running processes are left alone.",
                "Prints the Kafka bootstrap and the Flink REST URL."
            })
    static final class Up extends ScriptCommand {
        @Option(
                names = "--taskmanagers",
                paramLabel = "N",
                defaultValue = "2",
                description = "TaskManagers to run (default: ${DEFAULT-VALUE}).")
        private int taskManagers;

        @Option(
                names = "--slots",
                paramLabel = "S",
                defaultValue = "2",
                description = "Task slots per TaskManager (default: ${DEFAULT-VALUE}).")
        private int slots;

        @Override
        List<String> scriptArgs() {
            return List.of(
                    "--taskmanagers",
                    Integer.toString(taskManagers),
                    "--slots",
                    Integer.toString(slots));
        }
    }

    /** {@code quiver cluster down}. */
    @Command(
            name = "down",
            mixinStandardHelpOptions = true,
            description =
                    "Cancel the jobs and stop every process of the cluster, waiting until they"
                            + " have exited.")
    static final class Down extends ScriptCommand {
        @Option(
                names = "--purge",
                description =
                        "Also delete the run dir: logs, broker data, checkpoints and savepoints.")
        private boolean purge;

        @Override
        List<String> scriptArgs() {
            return purge ? List.of("--purge") : List.of();
        }
    }

    /** {@code quiver cluster submit}. */
    @Command(
            name = "submit",
            mixinStandardHelpOptions = true,
            description = {
                "Run a job on the cluster; prints its Flink job id. The job reads and writes the"
                        + " local broker and checkpoints into the run dir unless JOB-ARGS (or"
                        + " --kafka-config) say otherwise.",
                "Example: quiver cluster submit bayes --parallelism 2 -- --prior-alpha 2"
            })
    static final class Submit extends ScriptCommand {
        @Parameters(
                index = "0",
                paramLabel = "JOB",
                description = "bayes, match, walk, score or pipeline.")
        private String job;

        @Parameters(
                index = "1..*",
                paramLabel = "JOB-ARGS",
                description = "The job's own options, after --.")
        private List<String> jobArgs = new ArrayList<>();

        @Option(
                names = "--from-savepoint",
                paramLabel = "PATH",
                description = "Restore the job's state from this savepoint or checkpoint.")
        private String fromSavepoint;

        @Option(
                names = "--parallelism",
                paramLabel = "P",
                description = "The job's parallelism (default: the job's).")
        private Integer parallelism;

        /** Handed to the job as its own options; the file's path is made absolute. */
        @Mixin private KafkaClientOptions client;

        @Spec private CommandSpec spec;

        @Override
        List<String> scriptArgs() {
            try {
                // Read here too: a refused setting or secret never reaches the cluster.
                client.config();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
            List<String> args = new ArrayList<>();
            args.add(job);
            if (fromSavepoint != null) {
                args.add("--from-savepoint");
                args.add(fromSavepoint);
            }
            if (parallelism != null) {
                args.add("--parallelism");
                args.add(parallelism.toString());
            }
            args.add("--");
            args.addAll(client.asArguments());
            args.addAll(jobArgs);
            return args;
        }
    }

    /** {@code quiver cluster status}. */
    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Show each process (running or not, pid, Prometheus metrics port) and the jobs.",
                "Exit code: 0 all running, 3 nothing running, 1 some processes not running."
            })
    static final class Status extends ScriptCommand {
        @Override
        List<String> scriptArgs() {
            return List.of();
        }
    }
}
