package dev.quiver.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Small admin helpers used by the CLI and jobs: create topics, check that a broker answers.
 *
 * <p>Every call is bounded by its {@code timeout}: the admin client's request, API and connection
 * timeouts are all derived from it, so an unreachable or half-open address fails with a {@link
 * KafkaUnreachableException} instead of hanging. Each call opens and closes its own admin client
 * (about a millisecond against a local broker), so the methods are thread-safe and keep no state.
 *
 * <pre>{@code
 * String bootstrap = "localhost:9092";
 * KafkaTopics.checkReachable(bootstrap, Duration.ofSeconds(5));
 * KafkaTopics.ensureTopics(bootstrap, List.of("vectors", "matches"), 4, Duration.ofSeconds(30));
 * }</pre>
 */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    /**
     * Replication factor of topics made by the shorter {@code ensureTopics}: the embedded and local
     * brokers have one node.
     */
    private static final short REPLICATION_FACTOR = 1;

    private static final long POLL_INTERVAL_MS = 100;

    private KafkaTopics() {}

    /**
     * Creates each topic in {@code topics} that does not exist yet, with {@code partitions}
     * partitions and replication factor 1, and returns once every topic is visible with a leader
     * for each partition (so a producer started right after does not race the metadata).
     *
     * <p>Existing topics are left as they are, whatever their partition count; a topic created
     * concurrently by someone else ({@link TopicExistsException}) counts as existing.
     *
     * @param bootstrap {@code host:port[,host:port...]}
     * @param topics topic names; duplicates are ignored; may be empty
     * @param partitions partition count for created topics, at least 1
     * @param timeout bound on the whole call, positive
     * @throws KafkaUnreachableException if the broker does not answer within {@code timeout}
     * @throws IllegalStateException if the broker refuses to create a topic (the message names the
     *     topic and Kafka's reason)
     */
    public static void ensureTopics(
            String bootstrap, Collection<String> topics, int partitions, Duration timeout) {
        ensureTopics(
                bootstrap,
                KafkaClientConfig.none(),
                topics,
                TopicLayout.of(partitions, REPLICATION_FACTOR),
                timeout);
    }

    /**
     * As {@link #ensureTopics(String, Collection, int, Duration)}, through an admin client with the
     * user's {@code client} settings, creating missing topics with {@code layout}'s partitions and
     * replication factor (the broker's defaults where it leaves them open).
     */
    public static void ensureTopics(
            String bootstrap,
            KafkaClientConfig client,
            Collection<String> topics,
            TopicLayout layout,
            Duration timeout) {
        Objects.requireNonNull(topics, "topics");
        AdminCall call = new AdminCall(bootstrap, client, timeout);
        Set<String> wanted = new LinkedHashSet<>(topics);
        if (wanted.isEmpty()) {
            return;
        }
        call.run(
                (admin, deadlineNs) -> {
                    List<NewTopic> missing =
                            absent(admin, wanted, deadlineNs).stream()
                                    .map(layout::newTopic)
                                    .toList();
                    if (!missing.isEmpty()) {
                        createTopics(admin, missing, deadlineNs);
                    }
                    awaitLeaders(admin, wanted, deadlineNs);
                    return missing;
                },
                failure ->
                        new IllegalStateException(
                                "cannot ensure topics "
                                        + wanted
                                        + " at "
                                        + bootstrap
                                        + ": "
                                        + oneLine(failure.getCause()),
                                failure));
    }

    /**
     * Returns normally if a broker at {@code bootstrap} answers a describe-cluster request within
     * {@code timeout}.
     *
     * @param bootstrap {@code host:port[,host:port...]}
     * @param timeout bound on the whole call, positive
     * @throws KafkaUnreachableException with the one-line message {@code "cannot reach Kafka at
     *     <bootstrap> within <n> s"}, {@code "Kafka at <bootstrap> refused the login: ..."} for
     *     refused credentials, or naming the problem with {@code bootstrap} if it cannot be parsed
     *     or resolved
     */
    public static void checkReachable(String bootstrap, Duration timeout) {
        checkReachable(bootstrap, KafkaClientConfig.none(), timeout);
    }

    /**
     * As {@link #checkReachable(String, Duration)}, through an admin client with the user's {@code
     * client} settings (security protocol, credentials), so a refused login fails here too.
     */
    public static void checkReachable(
            String bootstrap, KafkaClientConfig client, Duration timeout) {
        AdminCall call = new AdminCall(bootstrap, client, timeout);
        Collection<?> nodes =
                call.run(
                        (admin, deadlineNs) ->
                                admin.describeCluster(
                                                new DescribeClusterOptions()
                                                        .timeoutMs(remainingMs(deadlineNs)))
                                        .nodes()
                                        .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS),
                        // Answered, but not usefully: refused the login, or not Kafka, or a
                        // protocol it does not speak.
                        failure -> {
                            String why =
                                    failure.getCause() instanceof AuthenticationException
                                            ? "Kafka at " + bootstrap + " refused the login"
                                            : call.unreachable(failure).getMessage();
                            return new KafkaUnreachableException(
                                    why + ": " + oneLine(failure.getCause()), failure);
                        });
        LOG.debug("Kafka at {} answered with {} node(s)", bootstrap, nodes.size());
    }

    /**
     * The topics of {@code topics} that do not exist at {@code bootstrap}, in the order given;
     * asking creates none, even on a broker that auto-creates topics.
     *
     * @throws KafkaUnreachableException if the broker does not answer within {@code timeout}
     */
    public static List<String> missingTopics(
            String bootstrap,
            KafkaClientConfig client,
            Collection<String> topics,
            Duration timeout) {
        return new AdminCall(bootstrap, client, timeout)
                .run(
                        (admin, deadlineNs) -> absent(admin, topics, deadlineNs),
                        failure ->
                                new KafkaUnreachableException(
                                        "cannot list the topics at "
                                                + bootstrap
                                                + ": "
                                                + oneLine(failure.getCause()),
                                        failure));
    }

    /**
     * Returns normally if the principal of {@code client} may read every topic of {@code read} and
     * write every topic of {@code written} (a topic in both, both), as the cluster's authorizer
     * says when describing them; topics that do not exist are left to {@link #missingTopics}. A
     * job checks this before it starts: once running, a refused read or write would fail its
     * tasks, and Flink's restart strategy would restart them again and again.
     *
     * @throws TopicAuthorizationException naming each topic and the operation refused, on one line
     * @throws KafkaUnreachableException if the broker does not answer within {@code timeout}
     */
    public static void checkAccess(
            String bootstrap,
            KafkaClientConfig client,
            Collection<String> read,
            Collection<String> written,
            Duration timeout) {
        AdminCall call = new AdminCall(bootstrap, client, timeout);
        // A topic both read and written needs both, and each refused one is named.
        Map<String, Set<AclOperation>> needed = new LinkedHashMap<>();
        read.forEach(
                topic -> needed.computeIfAbsent(topic, t -> operations()).add(AclOperation.READ));
        written.forEach(
                topic -> needed.computeIfAbsent(topic, t -> operations()).add(AclOperation.WRITE));
        if (needed.isEmpty()) {
            return;
        }
        List<String> refused =
                call.run(
                        (admin, deadlineNs) -> refusedAccess(admin, needed, deadlineNs),
                        failure ->
                                new IllegalStateException(
                                        "cannot check access to the topics at "
                                                + bootstrap
                                                + ": "
                                                + oneLine(failure.getCause()),
                                        failure));
        if (!refused.isEmpty()) {
            throw new TopicAuthorizationException(
                    "not authorized at "
                            + bootstrap
                            + " to "
                            + String.join(", to ", refused)
                            + ": grant the ACLs to the principal of the Kafka client settings",
                    needed.keySet());
        }
    }

    /**
     * What the principal may not do of {@code needed}, one phrase a topic ("WRITE topic t"); a
     * topic it may not even describe looks the same as a missing one to it.
     */
    private static List<String> refusedAccess(
            Admin admin, Map<String, Set<AclOperation>> needed, long deadlineNs)
            throws InterruptedException, TimeoutException, ExecutionException {
        Map<String, KafkaFuture<TopicDescription>> described =
                admin.describeTopics(
                                needed.keySet(),
                                new DescribeTopicsOptions()
                                        .includeAuthorizedOperations(true)
                                        .timeoutMs(remainingMs(deadlineNs)))
                        .topicNameValues();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, Set<AclOperation>> topic : needed.entrySet()) {
            try {
                Set<AclOperation> allowed =
                        described
                                .get(topic.getKey())
                                .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS)
                                .authorizedOperations();
                // Null: a broker too old to say; its clients will find out.
                if (allowed == null) {
                    continue;
                }
                for (AclOperation operation : topic.getValue()) {
                    if (!allowed.contains(operation)) {
                        refused.add(operation + " topic " + topic.getKey());
                    }
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    refused.add("DESCRIBE topic " + topic.getKey() + " (or it does not exist)");
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return refused;
    }

    /** An empty set of operations, READ before WRITE when both are added. */
    private static Set<AclOperation> operations() {
        return EnumSet.noneOf(AclOperation.class);
    }

    /**
     * A request to the cluster, bounded by a deadline in {@link System#nanoTime()} terms, and what
     * it answers.
     */
    private interface AdminRequest<T> {
        T run(Admin admin, long deadlineNs)
                throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * One bounded call to a cluster: where, with which client settings, and within how long. Every
     * public method here is one such call, so the admin client's life, the deadline and what a
     * timeout or an interrupt means are decided in one place.
     */
    private static final class AdminCall {
        private final String bootstrap;
        private final KafkaClientConfig client;
        private final long timeoutMs;

        /**
         * A call to {@code bootstrap}; throws {@link IllegalArgumentException} unless {@code
         * timeout} is positive.
         */
        AdminCall(String bootstrap, KafkaClientConfig client, Duration timeout) {
            this.bootstrap = bootstrap;
            this.client = client;
            this.timeoutMs = checkTimeout(timeout);
        }

        /**
         * Runs {@code request} with an admin client that lives at most the call's timeout and
         * returns its answer: a timeout or an interrupt means the cluster could not be reached in
         * time; any other failure the cluster answered with becomes {@code failed}'s exception.
         */
        <T> T run(AdminRequest<T> request, Function<ExecutionException, RuntimeException> failed) {
            long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            Admin admin = openAdmin(bootstrap, client, timeoutMs);
            try {
                return request.run(admin, deadlineNs);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw unreachable(e);
                }
                throw failed.apply(e);
            } catch (TimeoutException e) {
                throw unreachable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(e);
            } finally {
                // Zero: whatever is still pending after our deadline is abandoned, not waited for.
                admin.close(Duration.ZERO);
            }
        }

        /** "cannot reach Kafka at BOOTSTRAP within N s", caused by {@code cause}. */
        KafkaUnreachableException unreachable(Throwable cause) {
            return new KafkaUnreachableException(
                    "cannot reach Kafka at " + bootstrap + " within " + seconds(timeoutMs) + " s",
                    cause);
        }
    }

    /**
     * The topics of {@code topics} the cluster does not have, in their order without duplicates,
     * asked before {@code deadlineNs}.
     */
    private static List<String> absent(Admin admin, Collection<String> topics, long deadlineNs)
            throws InterruptedException, TimeoutException, ExecutionException {
        Set<String> existing =
                admin.listTopics(new ListTopicsOptions().timeoutMs(remainingMs(deadlineNs)))
                        .names()
                        .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        return new LinkedHashSet<>(topics).stream().filter(t -> !existing.contains(t)).toList();
    }

    private static void createTopics(Admin admin, List<NewTopic> missing, long deadlineNs)
            throws InterruptedException, TimeoutException, ExecutionException {
        Map<String, KafkaFuture<Void>> results =
                admin.createTopics(
                                missing,
                                new CreateTopicsOptions().timeoutMs(remainingMs(deadlineNs)))
                        .values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
                LOG.info("Created topic {}", result.getKey());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof TopicExistsException) {
                    // Someone else created it between our list and create: that is what we wanted.
                    LOG.debug("Topic {} was created concurrently", result.getKey());
                } else if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw e;
                } else {
                    throw new IllegalStateException(
                            "cannot create topic " + result.getKey() + ": " + oneLine(cause),
                            cause);
                }
            }
        }
    }

    /** Waits until each topic has a leader for every partition, or the deadline passes. */
    private static void awaitLeaders(Admin admin, Set<String> topics, long deadlineNs)
            throws InterruptedException, TimeoutException, ExecutionException {
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(
                                        topics,
                                        new DescribeTopicsOptions()
                                                .timeoutMs(remainingMs(deadlineNs)))
                                .allTopicNames()
                                .get(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
                if (descriptions.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
                    return;
                }
            } catch (ExecutionException e) {
                // The controller has committed the topic but this broker's metadata may lag a
                // little.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (remainingMs(deadlineNs) <= POLL_INTERVAL_MS) {
                throw new TimeoutException("topics " + topics + " have no leader yet");
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
    }

    /**
     * Opens an admin client whose every internal timeout fits in {@code timeoutMs}, so no call on
     * it can outlive the caller's deadline by more than a poll; the user's {@code client} settings
     * override these defaults.
     */
    static Admin openAdmin(String bootstrap, KafkaClientConfig client, long timeoutMs) {
        Objects.requireNonNull(bootstrap, "bootstrap");
        int ms = (int) Math.min(timeoutMs, Integer.MAX_VALUE);
        Map<String, Object> defaults = new java.util.HashMap<>();
        defaults.put(AdminClientConfig.CLIENT_ID_CONFIG, "quiver-admin");
        defaults.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        defaults.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        defaults.put(
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(ms, 10_000));
        defaults.put(
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
                Math.min(ms, 10_000));
        // Retry a refused connection often but not in a tight loop: each failure logs a warning.
        defaults.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 200);
        defaults.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        Properties props = client.clientProperties(bootstrap, defaults, Map.of());
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            // Admin.create wraps the ConfigException that names the bad address or setting.
            throw new KafkaUnreachableException(
                    "cannot reach Kafka at " + bootstrap + ": " + oneLine(rootCause(e)), e);
        }
    }

    private static long checkTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return Math.max(1, timeout.toMillis());
    }

    private static int remainingMs(long deadlineNs) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
        return (int) Math.max(1, Math.min(ms, Integer.MAX_VALUE));
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0
                ? Long.toString(ms / 1000)
                : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The message of {@code t} (or its class name) on one line. */
    static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
