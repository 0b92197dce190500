package dev.quiver.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real single-node KRaft Kafka broker (broker+controller combined) running in this JVM.
 *
 * <p>This is Apache Kafka's own {@code KafkaRaftServer}, not a mock: consumer groups, idempotent
 * and transactional producers (the transaction coordinator that Flink's exactly-once sink needs)
 * and log recovery after a restart all work. Clients connect over PLAINTEXT to {@link
 * #bootstrapServers()}; the controller listens on a second, always free, port.
 *
 * <p>With {@link Builder#security(BrokerSecurity)} the broker is secured instead: SASL_SSL with
 * SCRAM-SHA-512 and PLAIN users on its port, mutual TLS on {@link #mtlsBootstrapServers()}, ACLs
 * enforced, and its TLS files in the data directory ({@link BrokerSecurity}, {@link BrokerTls}).
 *
 * <p>Topics are auto-created on first use with {@link Builder#partitions(int)} partitions, unless
 * {@link Builder#autoCreateTopics(boolean)} turns that off. Internal
 * topics ({@code __consumer_offsets}, {@code __transaction_state}, the share-group state topic)
 * have replication factor 1 and a single partition. {@code transaction.max.timeout.ms} stays at
 * Kafka's default of 15 minutes, so a Flink exactly-once sink must use a {@code
 * transaction.timeout.ms} below that.
 *
 * <p>Starting (formatting storage, electing the one-node quorum, unfencing the broker) takes about
 * 1 s, and up to about 6 s for the first broker in a JVM while Kafka's classes load; stopping takes
 * about 0.5 s. A stopped broker leaves no threads behind but two idle daemon threads of Kafka's
 * global metrics registry. {@link #close()} is thread-safe and idempotent, so a shutdown hook and
 * the owning thread may both call it. Two brokers can run in one JVM as long as each has its own
 * data directory.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().partitions(2).start()) {
 *     String bootstrap = broker.bootstrapServers();   // "localhost:41234"
 *     KafkaTopics.ensureTopics(bootstrap, List.of("vectors"), 2, Duration.ofSeconds(30));
 *     try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
 *             "bootstrap.servers", bootstrap,
 *             "key.serializer", StringSerializer.class.getName(),
 *             "value.serializer", StringSerializer.class.getName()))) {
 *         producer.send(new ProducerRecord<>("vectors", "k", "v")).get();
 *     }
 * }   // stops the broker and deletes its temporary data directory
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The one node of the quorum; stored in meta.properties, so a data dir is tied to it. */
    static final int NODE_ID = 1;

    private static final String LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "localhost";

    /** Startup blocks until the broker is unfenced; this only bounds a broker that never is. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Free ports are found by binding port 0 and releasing it, so another process may take one
     * before Kafka binds it. Such a race is retried with fresh ports this many times in all.
     */
    private static final int FREE_PORT_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final BrokerTls tls; // null for a plaintext broker
    private final int mtlsPort; // 0 for a plaintext broker
    private boolean closed; // guarded by this

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            int port,
            Path dataDir,
            boolean deleteDataDirOnClose,
            BrokerTls tls,
            int mtlsPort) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.tls = tls;
        this.mtlsPort = mtlsPort;
    }

    /** A builder with the defaults: a free port, a temporary data dir, one partition per topic. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options for {@link EmbeddedKafkaBroker}; {@link #start()} may be called more than once. */
    public static final class Builder {
        private int port;
        private Path dataDir;
        private int partitions = 1;
        private BrokerSecurity security;
        private int mtlsPort;
        private boolean autoCreateTopics = true;

        private Builder() {}

        /**
         * Port of the PLAINTEXT listener clients connect to, on {@code localhost}. 0 (the default)
         * picks a free port. The controller listener always takes a free port of its own.
         */
        public Builder port(int port) {
            this.port = checkPort("port", port);
            return this;
        }

        /**
         * Where the broker keeps its logs and metadata. {@code null} (the default) means a fresh
         * temporary directory, deleted on {@link EmbeddedKafkaBroker#close()}. A given directory is
         * created if missing, formatted only if it is not formatted yet, and kept on close, so
         * topics, records and committed offsets survive a restart.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /**
         * {@code num.partitions}: partition count of auto-created topics, at least 1; default 1.
         */
        public Builder partitions(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("partitions must be at least 1: " + n);
            }
            this.partitions = n;
            return this;
        }

        /**
         * Secures the broker as {@link BrokerSecurity} describes; {@code null} (the default) keeps
         * the plaintext broker.
         */
        public Builder security(BrokerSecurity security) {
            this.security = security;
            return this;
        }

        /**
         * Port of the mutual-TLS listener of a secured broker, on {@code localhost}; 0 (the
         * default) picks a free port. Ignored without {@link #security(BrokerSecurity)}.
         */
        public Builder mtlsPort(int port) {
            this.mtlsPort = checkPort("mTLS port", port);
            return this;
        }

        /** {@code port}, if a TCP port or 0 (any free one); else throws naming {@code which}. */
        private static int checkPort(String which, int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(which + " must be in 0..65535: " + port);
            }
            return port;
        }

        /**
         * {@code auto.create.topics.enable}: whether a client's first use of a topic creates it;
         * default true. False behaves as most production brokers do, where topics are created
         * on purpose.
         */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * Formats storage if needed, starts the broker and returns once it answers an admin {@code
         * describeCluster} request.
         *
         * @throws IllegalStateException with a one-line message if the broker cannot start, e.g.
         *     {@code "cannot start Kafka broker: port 9092 is already in use"}
         */
        public EmbeddedKafkaBroker start() {
            boolean temporary = dataDir == null;
            Path dir =
                    temporary ? createTempDir() : createDir(dataDir.toAbsolutePath().normalize());
            try {
                return startIn(dir, temporary);
            } catch (RuntimeException | Error e) {
                if (temporary) {
                    deleteRecursively(dir);
                }
                throw e;
            }
        }

        private EmbeddedKafkaBroker startIn(Path dir, boolean temporary) {
            if (port != 0 && !isFree(port)) {
                throw portInUse(port, null);
            }
            boolean secured = security != null;
            if (secured && mtlsPort != 0 && (mtlsPort == port || !isFree(mtlsPort))) {
                throw portInUse(mtlsPort, null);
            }
            // Before formatting: a data dir is only formatted once its TLS files could be made.
            BrokerTls tls = secured ? BrokerTls.inDataDir(dir) : null;
            for (int attempt = 1; ; attempt++) {
                int brokerPort = port != 0 ? port : freePort();
                int brokerMtlsPort = !secured ? 0 : mtlsPort != 0 ? mtlsPort : freePort();
                while (secured && brokerMtlsPort == brokerPort) {
                    brokerMtlsPort = freePort();
                }
                int controllerPort = freePort();
                while (controllerPort == brokerPort || controllerPort == brokerMtlsPort) {
                    controllerPort = freePort();
                }
                Properties props = brokerProperties(brokerPort, controllerPort, dir, partitions);
                props.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
                if (secured) {
                    security.secure(props, tls, brokerPort, brokerMtlsPort, controllerPort);
                }
                formatIfNeeded(props, dir);
                long startNs = System.nanoTime();
                KafkaRaftServer server;
                try {
                    server = startServer(props);
                } catch (Exception e) { // Scala code may throw checked exceptions undeclared
                    if (!isBindFailure(e)) {
                        throw new IllegalStateException(
                                "cannot start Kafka broker on port "
                                        + brokerPort
                                        + " (data in "
                                        + dir
                                        + "): "
                                        + KafkaTopics.oneLine(KafkaTopics.rootCause(e)),
                                e);
                    }
                    if (port != 0 && !isFree(port)) {
                        throw portInUse(port, e);
                    }
                    if (secured && mtlsPort != 0 && !isFree(mtlsPort)) {
                        throw portInUse(mtlsPort, e);
                    }
                    if (attempt == FREE_PORT_ATTEMPTS) {
                        throw new IllegalStateException(
                                "cannot start Kafka broker: no free port after "
                                        + attempt
                                        + " attempts ("
                                        + KafkaTopics.oneLine(KafkaTopics.rootCause(e))
                                        + ")",
                                e);
                    }
                    LOG.warn(
                            "A free port was taken before Kafka could bind it; retrying with"
                                    + " another",
                            e);
                    continue;
                }
                EmbeddedKafkaBroker broker =
                        new EmbeddedKafkaBroker(
                                server, brokerPort, dir, temporary, tls, brokerMtlsPort);
                try {
                    if (secured) {
                        security.apply(tls, broker.mtlsBootstrapServers(), READY_TIMEOUT);
                    } else {
                        KafkaTopics.checkReachable(broker.bootstrapServers(), READY_TIMEOUT);
                    }
                } catch (KafkaUnreachableException e) {
                    broker.close();
                    throw new IllegalStateException(
                            "Kafka broker started but " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                LOG.info(
                        "Kafka broker ready at {} in {} ms (controller on port {}, data in {})",
                        broker.bootstrapServers(),
                        (System.nanoTime() - startNs) / 1_000_000,
                        controllerPort,
                        dir);
                return broker;
            }
        }
    }

    /** {@code "localhost:PORT"}, the value for a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * The port clients connect to (PLAINTEXT, or SASL_SSL if secured); the chosen one if the
     * builder was given 0.
     */
    public int port() {
        return port;
    }

    /** Whether this broker was started with {@link Builder#security(BrokerSecurity)}. */
    public boolean isSecured() {
        return tls != null;
    }

    /**
     * {@code "localhost:PORT"} of the mutual-TLS listener of a secured broker.
     *
     * @throws IllegalStateException if the broker is not secured
     */
    public String mtlsBootstrapServers() {
        return HOST + ":" + secured("mtlsBootstrapServers").mtlsPort;
    }

    /**
     * The TLS files of a secured broker: truststore, client settings, client certificates.
     *
     * @throws IllegalStateException if the broker is not secured
     */
    public BrokerTls tls() {
        return secured("tls").tls;
    }

    /**
     * Client settings that connect to {@link #mtlsBootstrapServers()} as the broker itself, its
     * super user; for the test fixture that creates topics and reads what a user may not.
     */
    Map<String, Object> superUserClientConfig() {
        Map<String, Object> config = new HashMap<>(tls().superUserClientConfig());
        config.put("bootstrap.servers", mtlsBootstrapServers());
        return config;
    }

    private EmbeddedKafkaBroker secured(String what) {
        if (tls == null) {
            throw new IllegalStateException(what + ": this Kafka broker is not secured");
        }
        return this;
    }

    /** The absolute data directory: the given one, or the temporary one made for this broker. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Shuts the broker down, waits until it has stopped and released its ports, and deletes the
     * data directory if it was a temporary one. Thread-safe and idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long startNs = System.nanoTime();
        try {
            stopServer(server);
        } finally {
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
        }
        LOG.info(
                "Kafka broker at {} stopped in {} ms",
                bootstrapServers(),
                (System.nanoTime() - startNs) / 1_000_000);
    }

    static Properties brokerProperties(int port, int controllerPort, Path dataDir, int partitions) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        // A static one-voter quorum: nothing to bootstrap, and the controller port may change
        // from one start to the next because only the node id is stored with the data.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put(
                "listeners",
                LISTENER
                        + "://"
                        + HOST
                        + ":"
                        + port
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + HOST
                        + ":"
                        + controllerPort);
        props.put("advertised.listeners", LISTENER + "://" + HOST + ":" + port);
        props.put("inter.broker.listener.name", LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put(
                "listener.security.protocol.map",
                LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir.toString());

        props.put("auto.create.topics.enable", "true");
        props.put("num.partitions", Integer.toString(partitions));
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // With the defaults (3) consumer groups never work on one node: INVALID_REPLICATION_FACTOR.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // One node gains nothing from the default 50 partitions per internal topic; each costs
        // files, index mappings and time when the first group or transaction creates the topic.
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests and demos start consuming at once; the 3 s default only delays the first poll.
        props.put("group.initial.rebalance.delay.ms", "0");
        // transaction.max.timeout.ms stays at its 15 min default: Flink's exactly-once sink
        // must set a transaction.timeout.ms below it, as it would against a production broker.

        // Small footprint: the machines this runs on share a couple of cores with Flink.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "4");
        props.put("background.threads", "2");
        props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
        // The cleaner (needed to compact __consumer_offsets) allocates this on the heap; 128 MiB
        // by default, per broker.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return props;
    }

    /** Formats {@code dir} with a fresh cluster id unless it holds a meta.properties already. */
    private static void formatIfNeeded(Properties props, Path dir) {
        Path meta = dir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
        if (Files.exists(meta)) {
            Properties stored = BrokerTls.readProperties(meta);
            if (!Integer.toString(NODE_ID).equals(stored.getProperty("node.id"))) {
                throw new IllegalStateException(
                        "cannot start Kafka broker: "
                                + meta
                                + " has node.id "
                                + stored.getProperty("node.id")
                                + ", expected "
                                + NODE_ID
                                + "; use another --data-dir or delete this one");
            }
            LOG.info(
                    "Reusing Kafka data in {} (cluster id {})",
                    dir,
                    stored.getProperty("cluster.id"));
            return;
        }
        String clusterId = Uuid.randomUuid().toString();
        Path config = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code;
        try {
            // StorageTool reads its config from a file. It lives outside the data dir so that the
            // log manager never sees a stray file there.
            config = Files.createTempFile("quiver-kafka-", ".properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                withoutLogins(props).store(out, "quiver embedded broker, for kafka-storage format");
            }
            // execute, never main: main ends with Exit.exit, which would stop this JVM.
            code =
                    StorageTool.execute(
                            new String[] {
                                "format", "--cluster-id", clusterId, "--config", config.toString()
                            },
                            new PrintStream(output, true, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot format Kafka storage in "
                            + dir
                            + ": "
                            + KafkaTopics.oneLine(KafkaTopics.rootCause(e)),
                    e);
        } finally {
            if (config != null) {
                deleteQuietly(config);
            }
        }
        String text = output.toString(StandardCharsets.UTF_8).strip();
        if (code != 0) {
            throw new IllegalStateException(
                    "cannot format Kafka storage in "
                            + dir
                            + " (exit code "
                            + code
                            + "): "
                            + text.replaceAll("\\s*\\R\\s*", " "));
        }
        LOG.info("Formatted Kafka storage in {} with cluster id {}", dir, clusterId);
        LOG.debug("kafka-storage format said: {}", text);
    }

    /**
     * {@code props} without its {@code sasl.jaas.config} settings: formatting needs no login, and
     * the PLAIN one holds the users' passwords, which must not reach a file.
     */
    private static Properties withoutLogins(Properties props) {
        Properties copy = new Properties();
        props.forEach(
                (name, value) -> {
                    if (!name.toString().endsWith("sasl.jaas.config")) {
                        copy.put(name, value);
                    }
                });
        return copy;
    }

    private static KafkaRaftServer startServer(Properties props) {
        KafkaRaftServer server =
                new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
            return server;
        } catch (Exception e) {
            // The broker shuts itself down on a failed startup, but the controller and the raft
            // manager started before it are still running and holding their port.
            try {
                stopServer(server);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void stopServer(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static IllegalStateException portInUse(int port, Throwable cause) {
        return new IllegalStateException(
                "cannot start Kafka broker: port " + port + " is already in use", cause);
    }

    /** Whether {@code localhost:port} can be bound now, the way Kafka will bind it. */
    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot find a free port on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("quiver-kafka-").toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create a temporary Kafka data dir: " + e.getMessage(), e);
        }
    }

    private static Path createDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create Kafka data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(EmbeddedKafkaBroker::deleteQuietly);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete Kafka data dir {}", dir, e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("Could not delete {}", path, e);
        }
    }
}
