package dev.quiver.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How {@link EmbeddedKafkaBroker} secures itself ({@code quiver broker --security sasl-ssl}):
 * SCRAM-SHA-512 and PLAIN users over TLS, a mutual-TLS port, and Kafka's {@code StandardAuthorizer}
 * with the ACLs of a file and nothing allowed without one.
 *
 * <p>Listeners: {@code SASL_SSL} on the broker's port (users log in with SCRAM-SHA-512 or PLAIN,
 * the same users with the same passwords; the TLS client certificate is not asked for), {@code SSL}
 * on the mutual-TLS port (a client certificate
 * signed by the broker's CA is required, and its {@code CN=name} is the principal {@code
 * User:name}), and an {@code SSL} controller listener that also requires a certificate. The broker
 * reaches its controller and its own inter-broker listener (the mutual-TLS one, for transaction
 * markers) with its own certificate, {@code User:quiver-broker}, the only super user.
 *
 * <p>Users and ACLs are applied through the Admin API over the mutual-TLS port as the super user,
 * at every start, so the files are the truth: users and ACLs no longer in them are deleted, new
 * ones created. The storage format's {@code --add-scram} was not used because it runs only when a
 * data directory is first formatted, so a later change of the users file would be silently ignored.
 * The Admin client sends a salted hash of each password ({@value #SCRAM_ITERATIONS} iterations),
 * never the password, and a start returns only once the broker's metadata shows the users and ACLs
 * of the files.
 *
 * <p>PLAIN sends the password itself, inside TLS, and is offered for clients that cannot do SCRAM
 * with Kafka 4 (librdkafka before 2.6.1, such as Debian 12's) and because many managed Kafkas offer
 * it. Its users are Kafka's {@code PlainLoginModule} options ({@code user_NAME="password"}) in the
 * listener's {@code sasl.jaas.config}, a password-typed setting that Kafka never prints; they are
 * set from the users file at every start, so a user removed from the file can no longer log in
 * with either mechanism.
 *
 * <pre>{@code
 * BrokerSecurity security = BrokerSecurity.saslSsl(Path.of("users.txt"), Path.of("acls.txt"));
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().security(security).start()) {
 *     String saslSsl = broker.bootstrapServers();      // with broker.tls().clientSslProperties()
 *     String mutualTls = broker.mtlsBootstrapServers(); // with issueClientCertificate(name)
 * }
 * }</pre>
 *
 * <p>Immutable; the files are read once, by {@link #saslSsl(Path, Path)}.
 */
public final class BrokerSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerSecurity.class);

    static final String SASL_LISTENER = "SASL_SSL";
    static final String MTLS_LISTENER = "SSL";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
    static final String PLAIN_MECHANISM = "PLAIN";

    /** Above Kafka's minimum of 4096; a login costs a few milliseconds at this count. */
    static final int SCRAM_ITERATIONS = 8192;

    private static final long POLL_INTERVAL_MS = 100;

    private final Map<String, String> users;
    private final List<AclBinding> acls;

    private BrokerSecurity(Map<String, String> users, List<AclBinding> acls) {
        this.users = users;
        this.acls = acls;
    }

    /**
     * SASL_SSL with the users of {@code usersFile} ({@code name:password} lines) and the ACLs of
     * {@code aclsFile}; either may be {@code null} for none. Both files are read and checked now.
     *
     * @throws IllegalArgumentException with one line naming the file and line of a bad entry
     */
    public static BrokerSecurity saslSsl(Path usersFile, Path aclsFile) {
        Map<String, String> users = usersFile == null ? Map.of() : ScramUsersFile.read(usersFile);
        List<AclBinding> acls = aclsFile == null ? List.of() : AclFile.read(aclsFile);
        return new BrokerSecurity(users, acls);
    }

    /** Replaces the listener settings of a plaintext broker's {@code props} with secured ones. */
    void secure(Properties props, BrokerTls tls, int port, int mtlsPort, int controllerPort) {
        String host = "localhost";
        props.put(
                "listeners",
                String.join(
                        ",",
                        SASL_LISTENER + "://" + host + ":" + port,
                        MTLS_LISTENER + "://" + host + ":" + mtlsPort,
                        CONTROLLER_LISTENER + "://" + host + ":" + controllerPort));
        props.put(
                "advertised.listeners",
                SASL_LISTENER
                        + "://"
                        + host
                        + ":"
                        + port
                        + ","
                        + MTLS_LISTENER
                        + "://"
                        + host
                        + ":"
                        + mtlsPort);
        props.put(
                "listener.security.protocol.map",
                SASL_LISTENER
                        + ":SASL_SSL,"
                        + MTLS_LISTENER
                        + ":SSL,"
                        + CONTROLLER_LISTENER
                        + ":SSL");
        props.put("inter.broker.listener.name", MTLS_LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.putAll(tls.brokerSslConfig());
        props.put("listener.name.ssl.ssl.client.auth", "required");
        props.put("listener.name.controller.ssl.client.auth", "required");
        // CN=alice -> User:alice, the same principal as the SCRAM user alice; any other DN (not
        // issued by this CA) keeps Kafka's default, the whole DN.
        props.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
        props.put(
                "sasl.enabled.mechanisms",
                MECHANISM.mechanismName() + "," + PLAIN_MECHANISM);
        props.put(
                listenerJaasConfig(MECHANISM.mechanismName()),
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put(listenerJaasConfig(PLAIN_MECHANISM), plainJaasConfig());
        props.put(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + BrokerTls.BROKER_NAME);
        props.put("allow.everyone.if.no.acl.found", "false");
    }

    /** {@code listener.name.sasl_ssl.MECHANISM.sasl.jaas.config}, the login of one mechanism. */
    static String listenerJaasConfig(String mechanism) {
        return "listener.name."
                + SASL_LISTENER.toLowerCase(Locale.ROOT)
                + "."
                + mechanism.toLowerCase(Locale.ROOT)
                + ".sasl.jaas.config";
    }

    /**
     * The PLAIN login module with one {@code user_NAME="password"} option a user, which Kafka's
     * own PLAIN server callback checks a login against. Names need no quoting ({@link
     * PrincipalNames}); a password is a quoted JAAS string, its backslashes and quotes escaped.
     */
    private String plainJaasConfig() {
        StringBuilder jaas =
                new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach(
                (name, password) ->
                        jaas.append(" user_")
                                .append(name)
                                .append("=\"")
                                .append(password.replace("\\", "\\\\").replace("\"", "\\\""))
                                .append('"'));
        return jaas.append(';').toString();
    }

    /**
     * Waits until the broker at {@code mtlsBootstrap} answers the super user, then makes its users
     * and ACLs those of the files and waits until its metadata shows them.
     *
     * @throws IllegalStateException with one line if the broker does not answer or refuses
     */
    void apply(BrokerTls tls, String mtlsBootstrap, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        Properties config = new Properties();
        config.putAll(tls.superUserClientConfig());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, mtlsBootstrap);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "quiver-broker-setup");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
            applyUsers(admin, deadlineNs);
            applyAcls(admin, deadlineNs);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot apply users and ACLs to the Kafka broker at "
                            + mtlsBootstrap
                            + ": "
                            + KafkaTopics.oneLine(e.getCause()),
                    e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "the Kafka broker at "
                            + mtlsBootstrap
                            + " did not take its users and ACLs within "
                            + timeout.toSeconds()
                            + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while securing the Kafka broker", e);
        }
        LOG.info(
                "Kafka broker secured: {} user(s) {} (SCRAM-SHA-512 and PLAIN), {} ACL(s)",
                users.size(),
                users.keySet(),
                acls.size());
    }

    private void applyUsers(Admin admin, long deadlineNs)
            throws ExecutionException, TimeoutException, InterruptedException {
        Set<String> existing = describedUsers(admin, deadlineNs);
        List<UserScramCredentialAlteration> changes = new ArrayList<>();
        for (String gone : noLongerListed(existing, users.keySet())) {
            changes.add(new UserScramCredentialDeletion(gone, MECHANISM));
            LOG.info("Deleting SCRAM user {}: no longer in the users file", gone);
        }
        // Every listed user again: a password may have changed, and only a hash is stored.
        users.forEach(
                (name, password) ->
                        changes.add(
                                new UserScramCredentialUpsertion(
                                        name,
                                        new ScramCredentialInfo(MECHANISM, SCRAM_ITERATIONS),
                                        password)));
        if (!changes.isEmpty()) {
            admin.alterUserScramCredentials(changes)
                    .all()
                    .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        }
        // The controller has committed them; wait until this broker's metadata has them too, or
        // a client logging in at once could be refused.
        while (!describedUsers(admin, deadlineNs).equals(users.keySet())) {
            pause(deadlineNs, "the SCRAM users");
        }
    }

    /**
     * The entries of {@code existing} that the file no longer lists: the users and ACL files are
     * the whole truth at every start, so what they drop is deleted.
     */
    private static <T> List<T> noLongerListed(Set<T> existing, Collection<T> listed) {
        return existing.stream().filter(entry -> !listed.contains(entry)).toList();
    }

    private static Set<String> describedUsers(Admin admin, long deadlineNs)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<String, UserScramCredentialsDescription> described =
                admin.describeUserScramCredentials()
                        .all()
                        .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        Set<String> names = new HashSet<>();
        described.forEach(
                (name, description) -> {
                    if (description.credentialInfos().stream()
                            .anyMatch(info -> info.mechanism() == MECHANISM)) {
                        names.add(name);
                    }
                });
        return names;
    }

    private void applyAcls(Admin admin, long deadlineNs)
            throws ExecutionException, TimeoutException, InterruptedException {
        Set<AclBinding> existing = describedAcls(admin, deadlineNs);
        List<AclBindingFilter> gone = new ArrayList<>();
        for (AclBinding acl : noLongerListed(existing, acls)) {
            gone.add(acl.toFilter());
            LOG.info("Deleting ACL {}: no longer in the ACL file", AclFile.describe(acl));
        }
        if (!gone.isEmpty()) {
            admin.deleteAcls(gone).all().get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        }
        List<AclBinding> missing = acls.stream().filter(acl -> !existing.contains(acl)).toList();
        if (!missing.isEmpty()) {
            admin.createAcls(missing).all().get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        }
        // The authorizer of this broker answers describeAcls: once it shows them, it applies them.
        while (!describedAcls(admin, deadlineNs).equals(new HashSet<>(acls))) {
            pause(deadlineNs, "the ACLs");
        }
    }

    private static Set<AclBinding> describedAcls(Admin admin, long deadlineNs)
            throws ExecutionException, TimeoutException, InterruptedException {
        return new HashSet<>(
                admin.describeAcls(AclBindingFilter.ANY)
                        .values()
                        .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS));
    }

    private static void pause(long deadlineNs, String what)
            throws TimeoutException, InterruptedException {
        if (remainingMs(deadlineNs) <= POLL_INTERVAL_MS) {
            throw new TimeoutException(what + " did not reach the broker's metadata");
        }
        Thread.sleep(POLL_INTERVAL_MS);
    }

    private static long remainingMs(long deadlineNs) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
    }

    @Override
    public String toString() {
        // Never the passwords.
        return "BrokerSecurity[sasl-ssl, users=" + users.keySet() + ", acls=" + acls.size() + "]";
    }
}
