package dev.quiver.cli;

import dev.quiver.jobs.CommandWithOptionsInCode;
import dev.quiver.jobs.PathOption;
import dev.quiver.jobs.UsageChecked;
import dev.quiver.kafka.BrokerSecurity;
import dev.quiver.kafka.BrokerTls;
import dev.quiver.kafka.EmbeddedKafkaBroker;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
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
 * <p>{@code --security sasl-ssl} secures the broker ({@link BrokerSecurity}): the users of {@code
 * --users}, logging in with SCRAM-SHA-512 or PLAIN over TLS on {@code --port}, mutual TLS on {@code --mtls-port}, the ACLs of
 * {@code --acls}, and TLS files in the data directory ({@link BrokerTls}). {@code
 * --issue-client-cert NAME} only issues a client certificate from the CA of {@code --data-dir} and
 * exits. A users or ACL file that is refused is a failure (exit 1), not bad usage: its contents are
 * data.
 *
 * <pre>{@code
 * $ quiver broker --port 9092 --data-dir ~/.quiver/kafka --partitions 4
 * Kafka broker ready at localhost:9092 (data in /home/me/.quiver/kafka; Ctrl-C to stop)
 *
 * $ quiver broker --data-dir ~/.quiver/kafka --security sasl-ssl --users users.txt --acls acls.txt
 * Kafka broker ready at localhost:9092 (SASL_SSL, SCRAM-SHA-512 or PLAIN; mutual TLS at localhost:9093; ...
 * Client settings: /home/me/.quiver/kafka/client-ssl.properties (add a sasl.jaas.config line) ...
 *
 * $ quiver broker --data-dir ~/.quiver/kafka --issue-client-cert carol
 * Client certificate for User:carol: /home/me/.quiver/kafka/tls-client-carol.p12, settings in ...
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
            "Clients connect to localhost:PORT over PLAINTEXT; topics are created on first use.",
            "With --security sasl-ssl: SCRAM-SHA-512 or PLAIN users over TLS on PORT, mutual TLS on"
                    + " --mtls-port, ACLs enforced; see docs/operations.md."
        })
public final class BrokerCommand extends CommandWithOptionsInCode
        implements Callable<Integer>, UsageChecked {
    private static final String PLAINTEXT = "plaintext";
    private static final String SASL_SSL = "sasl-ssl";

    @Spec private CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "9092",
            description =
                    "Port clients connect to on localhost (default: ${DEFAULT-VALUE}; 0 picks a"
                            + " free one).")
    private int port;

    private final PathOption dataDir =
            PathOption.directory(
                    "--data-dir",
                    "Directory for topics, records and offsets; formatted on first use and reused"
                            + " after, so data survives a restart. Default: none, a temporary"
                            + " directory whose data is discarded on exit.");

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Partitions of topics created on first use (default: ${DEFAULT-VALUE}); as"
                            + " many as a job's parallelism lets every source subtask read.")
    private int partitions;

    @Option(
            names = "--security",
            paramLabel = "MODE",
            defaultValue = PLAINTEXT,
            description =
                    "plaintext (default) or sasl-ssl: TLS with a CA made in the data dir at first"
                            + " start, SCRAM-SHA-512 or PLAIN users (--users), ACLs (--acls) and mutual TLS"
                            + " (--mtls-port).")
    private String security;

    private final PathOption usersFile =
            PathOption.file(
                    "--users",
                    "With --security sasl-ssl: users (SCRAM-SHA-512 and PLAIN), one name:password a"
                            + " line (# comments). Applied at every start; users no longer listed"
                            + " are deleted.");

    private final PathOption aclsFile =
            PathOption.file(
                    "--acls",
                    "With --security sasl-ssl: ACLs, one a line: PRINCIPAL OPERATION RESOURCE_TYPE"
                            + " NAME [LITERAL|PREFIXED [ALLOW|DENY]], e.g. 'User:alice READ TOPIC"
                            + " vectors'. Applied at every start; ACLs no longer listed are"
                            + " deleted.");

    @Option(
            names = "--mtls-port",
            paramLabel = "PORT",
            description =
                    "With --security sasl-ssl: port of the mutual-TLS listener (client certificates"
                            + " from --issue-client-cert). Default: PORT + 1, or a free one if"
                            + " PORT is 0.")
    private Integer mtlsPort;

    @Option(
            names = "--issue-client-cert",
            paramLabel = "NAME",
            description =
                    "Issue a client certificate CN=NAME (principal User:NAME) from the CA in"
                        + " --data-dir, write tls-client-NAME.p12 and tls-client-NAME.properties"
                        + " there (owner only), and exit without starting the broker.")
    private String clientCertName;

    /** Read from --users and --acls by {@link #checkUsage()}; null for a plaintext broker. */
    private BrokerSecurity brokerSecurity;

    @Override
    protected void addOptionsTo(CommandSpec command) {
        dataDir.addTo(command);
        usersFile.addTo(command);
        aclsFile.addTo(command);
    }

    @Override
    public void checkUsage() {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port must be in 0..65535: " + port);
        }
        if (partitions < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--partitions must be at least 1: " + partitions);
        }
        if (!security.equals(PLAINTEXT) && !security.equals(SASL_SSL)) {
            throw new ParameterException(
                    spec.commandLine(), "--security must be plaintext or sasl-ssl: " + security);
        }
        if (clientCertName != null) {
            checkIssueUsage();
            return;
        }
        if (security.equals(PLAINTEXT)) {
            for (String option : new String[] {"--users", "--acls", "--mtls-port"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new ParameterException(
                            spec.commandLine(), option + " needs --security sasl-ssl");
                }
            }
            return;
        }
        int mtls = mtlsPort();
        if (mtls < 0 || mtls > 65_535 || (mtls != 0 && mtls == port)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--mtls-port must be in 0..65535 and differ from --port: " + mtls);
        }
        // Last: the files' contents are data, so a refusal here is a failure (exit 1).
        brokerSecurity = BrokerSecurity.saslSsl(usersFile.path(), aclsFile.path());
    }

    private void checkIssueUsage() {
        if (dataDir.path() == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--issue-client-cert needs --data-dir, the directory of the broker's CA");
        }
        try {
            BrokerTls.checkClientName(clientCertName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(), "--issue-client-cert: " + e.getMessage());
        }
    }

    private int mtlsPort() {
        if (mtlsPort != null) {
            return mtlsPort;
        }
        return port == 0 || port == 65_535 ? 0 : port + 1;
    }

    @Override
    public Integer call() {
        checkUsage();
        PrintWriter out = spec.commandLine().getOut();
        if (clientCertName != null) {
            BrokerTls.ClientCertificate issued =
                    BrokerTls.inDataDir(dataDir.path()).issueClientCertificate(clientCertName);
            out.println(
                    "Client certificate for "
                            + issued.principal()
                            + ": "
                            + issued.keystore()
                            + ", settings in "
                            + issued.properties()
                            + " (connect to the broker's mutual-TLS port)");
            out.flush();
            return 0;
        }
        EmbeddedKafkaBroker.Builder builder =
                EmbeddedKafkaBroker.builder()
                        .port(port)
                        .dataDir(dataDir.path())
                        .partitions(partitions);
        if (brokerSecurity != null) {
            builder.security(brokerSecurity).mtlsPort(mtlsPort());
        }
        EmbeddedKafkaBroker broker = builder.start();
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
                    dataDir.path() == null
                            ? "data in " + broker.dataDir() + ", deleted on exit"
                            : "data in " + broker.dataDir();
            String listeners =
                    broker.isSecured()
                            ? "SASL_SSL, SCRAM-SHA-512 or PLAIN; mutual TLS at "
                                    + broker.mtlsBootstrapServers()
                                    + "; "
                            : "";
            out.println(
                    "Kafka broker ready at "
                            + broker.bootstrapServers()
                            + " ("
                            + listeners
                            + data
                            + "; Ctrl-C to stop)");
            if (broker.isSecured()) {
                out.println(
                        "Client settings: "
                                + broker.tls().clientSslProperties()
                                + " (add a sasl.jaas.config line; CA for other clients: "
                                + broker.tls().caPem()
                                + ")");
            }
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
