package dev.quiver.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A secured {@link EmbeddedKafkaBroker} for tests: SCRAM users and ACLs given in code (written to
 * the files {@code quiver broker --users/--acls} reads), and client settings for a user, a client
 * certificate or the super user. Start one per test class; it costs a few seconds.
 *
 * <pre>{@code
 * try (SecuredBrokerFixture kafka = SecuredBrokerFixture.builder()
 *         .user("alice", "alice-secret")
 *         .acl("User:alice READ TOPIC vectors")
 *         .acl("User:alice READ GROUP quiver- PREFIXED")
 *         .start()) {
 *     kafka.createTopics("vectors");                              // as the super user
 *     Map<String, Object> alice = kafka.saslClient("alice", "alice-secret");   // SCRAM-SHA-512
 *     Map<String, Object> alicePlain = kafka.plainClient("alice", "alice-secret");
 *     Map<String, Object> carol = kafka.mtlsClient("carol");     // CN=carol, User:carol
 *     Path file = kafka.saslClientFile("alice", "alice-secret", dir.resolve("alice.properties"));
 * }
 * }</pre>
 */
public final class SecuredBrokerFixture implements AutoCloseable {
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafkaBroker broker;
    private final Path filesDir;

    private SecuredBrokerFixture(EmbeddedKafkaBroker broker, Path filesDir) {
        this.broker = broker;
        this.filesDir = filesDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Users, ACLs and partitions of the broker to start. */
    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private final List<String> acls = new ArrayList<>();
        private int partitions = 1;

        private Builder() {}

        /** A user, who logs in with SCRAM-SHA-512 or PLAIN. */
        public Builder user(String name, String password) {
            users.put(name, password);
            return this;
        }

        /** An ACL line in the {@code --acls} format, e.g. {@code "User:alice READ TOPIC a"}. */
        public Builder acl(String line) {
            acls.add(line);
            return this;
        }

        /**
         * The ACLs an exactly-once pipeline of {@code principal} needs: read {@code input} in
         * groups starting with {@code groupPrefix}, write {@code output} in transactions whose ids
         * start with {@code transactionalIdPrefix}, idempotently.
         */
        public Builder exactlyOncePipeline(
                String principal,
                String input,
                String groupPrefix,
                String output,
                String transactionalIdPrefix) {
            acl(principal + " READ TOPIC " + input);
            acl(principal + " READ GROUP " + groupPrefix + " PREFIXED");
            acl(principal + " WRITE TOPIC " + output);
            acl(principal + " DESCRIBE TOPIC " + output);
            acl(principal + " WRITE TRANSACTIONAL_ID " + transactionalIdPrefix + " PREFIXED");
            acl(principal + " DESCRIBE TRANSACTIONAL_ID " + transactionalIdPrefix + " PREFIXED");
            return acl(principal + " IDEMPOTENT_WRITE CLUSTER kafka-cluster");
        }

        public Builder partitions(int n) {
            partitions = n;
            return this;
        }

        /** Writes the users and ACL files and starts the broker in a temporary data directory. */
        public SecuredBrokerFixture start() {
            Path dir = null;
            try {
                dir = Files.createTempDirectory("quiver-secured-broker-");
                Path usersFile = dir.resolve("users.txt");
                List<String> lines = new ArrayList<>();
                users.forEach((name, password) -> lines.add(name + ":" + password));
                // Owner only, as an operator's should be; the broker warns about any other.
                Files.write(createOwnerOnly(usersFile), lines);
                Path aclsFile = dir.resolve("acls.txt");
                Files.write(aclsFile, acls);
                EmbeddedKafkaBroker broker =
                        EmbeddedKafkaBroker.builder()
                                .partitions(partitions)
                                .security(BrokerSecurity.saslSsl(usersFile, aclsFile))
                                .start();
                return new SecuredBrokerFixture(broker, dir);
            } catch (IOException e) {
                deleteFiles(dir);
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                deleteFiles(dir);
                throw e;
            }
        }
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** Settings for the SASL_SSL port as {@code user}: bootstrap, protocol, SCRAM login, CA. */
    public Map<String, Object> saslClient(String user, String password) {
        return asMap(saslClientProperties(user, password));
    }

    /** The same as {@link #saslClient}, logging in with SASL/PLAIN instead of SCRAM-SHA-512. */
    public Map<String, Object> plainClient(String user, String password) {
        return asMap(plainClientProperties(user, password));
    }

    /**
     * What a user writes into a client properties file: the broker's {@code client-ssl.properties}
     * plus {@code bootstrap.servers} and the user's {@code sasl.jaas.config} line.
     */
    public Properties saslClientProperties(String user, String password) {
        return clientProperties(
                "org.apache.kafka.common.security.scram.ScramLoginModule", user, password);
    }

    /** {@link #saslClientProperties} with {@code sasl.mechanism=PLAIN} and its login module. */
    public Properties plainClientProperties(String user, String password) {
        Properties props =
                clientProperties(
                        "org.apache.kafka.common.security.plain.PlainLoginModule", user, password);
        props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        return props;
    }

    private Properties clientProperties(String loginModule, String user, String password) {
        Properties props = BrokerTls.readProperties(broker.tls().clientSslProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                loginModule
                        + " required username=\""
                        + user
                        + "\" password=\""
                        // A quoted JAAS string: backslashes and quotes escaped.
                        + password.replace("\\", "\\\\").replace("\"", "\\\"")
                        + "\";");
        return props;
    }

    private static Map<String, Object> asMap(Properties props) {
        Map<String, Object> config = new HashMap<>();
        props.forEach((k, v) -> config.put((String) k, v));
        return config;
    }

    /**
     * Writes {@link #saslClientProperties} of {@code user} to {@code file}, owner only: the file a
     * command's Kafka client settings option reads.
     */
    public Path saslClientFile(String user, String password, Path file) {
        try {
            Files.deleteIfExists(file);
            try (var out = Files.newOutputStream(createOwnerOnly(file))) {
                saslClientProperties(user, password).store(out, "SASL_SSL as " + user);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Issues a client certificate {@code CN=name} and returns the settings for the mutual-TLS port
     * with it: the principal is {@code User:name}.
     */
    public Map<String, Object> mtlsClient(String name) {
        BrokerTls.ClientCertificate certificate = broker.tls().issueClientCertificate(name);
        Map<String, Object> config = asMap(BrokerTls.readProperties(certificate.properties()));
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.mtlsBootstrapServers());
        return config;
    }

    /** Settings that connect as the broker itself, the super user, whom no ACL limits. */
    public Map<String, Object> superUser() {
        return broker.superUserClientConfig();
    }

    /** Creates topics with the broker's partition count, as the super user. */
    public void createTopics(String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, Optional.empty(), Optional.empty()));
        }
        try (Admin admin = Admin.create(superUser())) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            // The controller has committed them; a client's first request must find a leader.
            long deadlineNs = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
            while (!haveLeaders(admin, List.of(topics))) {
                if (System.nanoTime() > deadlineNs) {
                    throw new IllegalStateException("topics have no leader after " + TOPIC_TIMEOUT);
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics: " + e.getMessage(), e);
        }
    }

    private static boolean haveLeaders(Admin admin, List<String> topics) throws Exception {
        try {
            return admin
                    .describeTopics(topics)
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .values()
                    .stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            deleteFiles(filesDir);
        }
    }

    private static Path createOwnerOnly(Path file) throws IOException {
        return Files.createFile(
                file,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    private static void deleteFiles(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
