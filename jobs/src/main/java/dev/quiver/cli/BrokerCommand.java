package dev.quiver.cli;

import dev.quiver.jobs.UsageChecked;
import dev.quiver.jobs.WritableDirectoryConverter;
import dev.quiver.kafka.EmbeddedKafkaBroker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code quiver broker}: runs a real single-node Kafka broker in the foreground until Ctrl-C.
 *
 * <p>Prints one line to the command's standard output once the broker answers, then blocks. Ctrl-C
 * (a JVM shutdown hook) or an interrupt of the calling thread stops the broker cleanly and {@link
 * #call()} returns 0; the command never calls {@code System.exit} itself, so a test can run it on a
 * thread and stop it. A port in use makes {@link #call()} throw an {@link IllegalStateException}
 * with a one-line message, which the top-level CLI prints.
 *
 * <pre>{@code
 * $ quiver broker --port 9092 --data-dir ~/.quiver/kafka --partitions 4
 * Kafka broker ready at localhost:9092 (data in /home/me/.quiver/kafka; Ctrl-C to stop)
 *
 * // in-process, e.g. from a test; blocks until this thread is interrupted, then returns 0:
 * int exitCode = new CommandLine(new BrokerCommand()).execute("--port", "0");
 * }</pre>
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a real single-node Kafka broker (KRaft, broker and controller in one process) "
                    + "in the foreground until Ctrl-C.",
            "Clients connect to localhost:PORT over PLAINTEXT; topics are created on first use."
        })
public final class BrokerCommand implements Callable<Integer>, UsageChecked {

    @Spec private CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Port clients connect to on localhost (default: ${DEFAULT-VALUE}; 0 picks a"
                            + " free one).")
    private int port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            converter = WritableDirectoryConverter.class,
            description =
                    "Directory for topics, records and offsets; formatted on first use and reused"
                        + " after, so data survives a restart. Default: none, a temporary directory"
                        + " whose data is discarded on exit.")
    private Path dataDir;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Partitions of topics created on first use (default: ${DEFAULT-VALUE}); as"
                            + " many as a job's parallelism lets every source subtask read.")
    private int partitions;

    @Override
    public void checkUsage() {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be in 0..65535: " + port);
        }
        if (partitions < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--partitions must be at least 1: " + partitions);
        }
    }

    @Override
    public Integer call() {
        checkUsage();
        EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder()
                        .port(port)
                        .dataDir(dataDir)
                        .partitions(partitions)
                        .start();
        CountDownLatch stopped = new CountDownLatch(1);
        // The hook closes the broker itself: once hooks finish the JVM halts, so it cannot
        // leave the work to the main thread it wakes.
        Thread hook =
                new Thread(
                        () -> {
                            broker.close();
                            stopped.countDown();
                        },
                        "quiver-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            String data =
                    dataDir == null
                            ? "data in " + broker.dataDir() + ", deleted on exit"
                            : "data in " + broker.dataDir();
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    "Kafka broker ready at "
                            + broker.bootstrapServers()
                            + " ("
                            + data
                            + "; Ctrl-C to stop)");
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            // An interrupt is the in-process way to stop; Kafka's shutdown must not see the flag.
            interrupted = true;
        } finally {
            removeHook(hook);
            broker.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and running the hook; nothing to remove.
        }
    }
}
