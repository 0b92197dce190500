package dev.quiver.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A real secured broker (SASL_SSL with SCRAM-SHA-512 and PLAIN, mutual TLS, StandardAuthorizer), shared by
 * the class, reached by plain Kafka Java clients.
 */
class SecuredBrokerTest {
    private static final String ALICE_PASSWORD = "alice: a pass:word with colons";
    /** Quotes and a backslash, which the broker's PLAIN login settings must escape. */
    private static final String BOB_PASSWORD = "bob \"secret\" \\ here";

    /** Each bounded failure must come well inside this (the brief's bound for "no hang"). */
    private static final Duration FAILURE_BOUND = Duration.ofSeconds(30);

    private static final String DAVE_PASSWORD = "dave-secret";

    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(30);

    private static SecuredBrokerFixture kafka;

    @TempDir static Path files;

    @BeforeAll
    static void startSecuredBroker() {
        kafka =
                SecuredBrokerFixture.builder()
                        .user("alice", ALICE_PASSWORD)
                        .user("bob", BOB_PASSWORD)
                        .user("dave", DAVE_PASSWORD)
                        .exactlyOncePipeline("User:alice", "in-a", "alice-", "out-b", "alice-tx-")
                        // bob sees "guarded" and may run transactions, but not write to it.
                        .acl("User:bob READ TOPIC guarded")
                        .acl("User:bob WRITE TRANSACTIONAL_ID bob-tx")
                        .acl("User:bob DESCRIBE TRANSACTIONAL_ID bob-tx")
                        // dave may write "loop" but not read it.
                        .acl("User:dave WRITE TOPIC loop")
                        // carol has no password: she comes with a client certificate.
                        .acl("User:carol WRITE TOPIC by-cert")
                        .acl("User:carol READ TOPIC by-cert")
                        .acl("User:carol READ GROUP carol- PREFIXED")
                        .start();
        kafka.createTopics("in-a", "out-b", "guarded", "by-cert", "loop");
    }

    @AfterAll
    static void stopSecuredBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aUserWithPipelineAclsConsumesItsInputAndProducesItsOutputExactlyOnce() throws Exception {
        try (KafkaProducer<String, String> setup = producer(kafka.superUser())) {
            for (int i = 0; i < 4; i++) {
                setup.send(new ProducerRecord<>("in-a", "k" + i, "v" + i)).get();
            }
        }
        // alice's settings as a command would read them from a file.
        Map<String, Object> alice = new HashMap<>();
        BrokerTls.readProperties(
                        kafka.saslClientFile(
                                "alice", ALICE_PASSWORD, files.resolve("alice.properties")))
                .forEach((k, v) -> alice.put((String) k, v));
        Map<String, Object> transactional = new HashMap<>(alice);
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "alice-tx-1");
        transactional.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);

        // Consume, transform, produce and commit the input offsets in one transaction.
        try (KafkaConsumer<String, String> consumer = consumer(alice, "alice-pipeline");
                KafkaProducer<String, String> producer = producer(transactional)) {
            producer.initTransactions();
            consumer.subscribe(List.of("in-a"));
            List<ConsumerRecord<String, String>> read = pollUntil(consumer, 4);
            assertThat(read)
                    .extracting(ConsumerRecord::value)
                    .containsExactly("v0", "v1", "v2", "v3");
            producer.beginTransaction();
            for (ConsumerRecord<String, String> record : read) {
                producer.send(new ProducerRecord<>("out-b", record.key(), record.value() + "!"));
            }
            TopicPartition partition = new TopicPartition("in-a", 0);
            producer.sendOffsetsToTransaction(
                    Map.of(partition, new OffsetAndMetadata(4)), consumer.groupMetadata());
            producer.commitTransaction();
        }

        assertThat(readCommitted("out-b", 4)).containsExactly("v0!", "v1!", "v2!", "v3!");
        try (Admin admin = Admin.create(kafka.superUser())) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(
                                    Map.of("alice-pipeline", new ListConsumerGroupOffsetsSpec()))
                            .partitionsToOffsetAndMetadata("alice-pipeline")
                            .get(30, TimeUnit.SECONDS);
            assertThat(offsets.get(new TopicPartition("in-a", 0)).offset()).isEqualTo(4);
        }
    }

    @Test
    void aWrongPasswordFailsWithAnAuthenticationErrorWithinTheBound() {
        assertLoginRefused(
                kafka.saslClient("alice", "not-alices-password"), "Authentication failed");
    }

    @Test
    void theSameUserLogsInWithPlainAndWithScramAndIsTheSamePrincipal() {
        // listTopics shows only the topics the principal may describe: alice's, not bob's.
        for (Map<String, Object> alice :
                List.of(
                        kafka.plainClient("alice", ALICE_PASSWORD),
                        kafka.saslClient("alice", ALICE_PASSWORD))) {
            try (KafkaConsumer<String, String> consumer = consumer(alice, "alice-list")) {
                assertThat(consumer.listTopics(FAILURE_BOUND).keySet())
                        .as("topics %s sees", alice.get("sasl.mechanism"))
                        .contains("in-a", "out-b")
                        .doesNotContain("guarded", "by-cert");
            }
        }
        try (KafkaConsumer<String, String> consumer =
                consumer(kafka.plainClient("bob", BOB_PASSWORD), "bob-list")) {
            assertThat(consumer.listTopics(FAILURE_BOUND).keySet())
                    .contains("guarded")
                    .doesNotContain("in-a", "out-b");
        }
    }

    @Test
    void aWrongPlainPasswordFailsWithAnAuthenticationErrorWithinTheBound() {
        assertLoginRefused(
                kafka.plainClient("alice", "not-alices-password"),
                "Authentication failed",
                "Invalid username or password");
    }

    /**
     * A consumer with {@code config}, whose password is "not-alices-password", is refused at its
     * first request with a message holding {@code messages} and not the password, within the
     * bound.
     */
    private static void assertLoginRefused(Map<String, Object> config, String... messages) {
        long startNs = System.nanoTime();

        assertThatThrownBy(
                        () -> {
                            try (KafkaConsumer<String, String> consumer =
                                    consumer(config, "alice-wrong")) {
                                consumer.listTopics(FAILURE_BOUND);
                            }
                        })
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContainingAll(messages)
                .hasMessageNotContaining("not-alices-password");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(FAILURE_BOUND);
    }

    @Test
    void aPrincipalWithoutWriteOnATopicIsRefusedNamingItAndNothingIsCommitted() throws Exception {
        Map<String, Object> bob = new HashMap<>(kafka.saslClient("bob", BOB_PASSWORD));
        bob.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bob-tx");
        bob.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        bob.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) FAILURE_BOUND.toMillis());
        long startNs = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer(bob)) {
            producer.initTransactions();
            producer.beginTransaction();
            Future<?> sent = producer.send(new ProducerRecord<>("guarded", "k", "forbidden"));

            assertThatThrownBy(() -> sent.get(FAILURE_BOUND.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("guarded")
                    .satisfies(
                            e ->
                                    assertThat(
                                                    ((TopicAuthorizationException) e)
                                                            .unauthorizedTopics())
                                            .containsExactly("guarded"));
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(FAILURE_BOUND);

        // A marker record written afterwards by the super user is the first one there is.
        try (KafkaProducer<String, String> setup = producer(kafka.superUser())) {
            setup.send(new ProducerRecord<>("guarded", "k", "marker")).get();
        }
        assertThat(readCommitted("guarded", 1)).containsExactly("marker");
    }

    @Test
    void aTopicBothReadAndWrittenIsRefusedToAPrincipalThatMayOnlyWriteIt() {
        KafkaClientConfig dave =
                KafkaClientConfig.of(
                        kafka.saslClientFile("dave", DAVE_PASSWORD, files.resolve("dave.properties")),
                        List.of());
        String bootstrap = kafka.broker().bootstrapServers();

        KafkaTopics.checkAccess(bootstrap, dave, List.of(), List.of("loop"), FAILURE_BOUND);
        assertThatThrownBy(
                        () ->
                                KafkaTopics.checkAccess(
                                        bootstrap,
                                        dave,
                                        List.of("loop"),
                                        List.of("loop"),
                                        FAILURE_BOUND))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessage(
                        "not authorized at "
                                + bootstrap
                                + " to READ topic loop: grant the ACLs to the principal of the"
                                + " Kafka client settings");
    }

    @Test
    void aPlaintextClientOnTheTlsPortFailsClearlyWithinTheBound() {
        // The client cannot tell a TLS port from a dead one: its own bound is what stops it.
        Duration timeout = Duration.ofSeconds(3);
        long startNs = System.nanoTime();

        assertThatThrownBy(
                        () ->
                                KafkaTopics.checkReachable(
                                        kafka.broker().bootstrapServers(), timeout))
                .isInstanceOf(KafkaUnreachableException.class)
                .hasMessage(
                        "cannot reach Kafka at "
                                + kafka.broker().bootstrapServers()
                                + " within 3 s");
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isLessThan(FAILURE_BOUND);
    }

    @Test
    void aClientCertificateSignedByTheCaIsItsCommonNamesPrincipal() throws Exception {
        Map<String, Object> carol = kafka.mtlsClient("carol");
        try (KafkaProducer<String, String> producer = producer(carol)) {
            producer.send(new ProducerRecord<>("by-cert", "k", "from carol")).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(carol, "carol-readers")) {
            consumer.subscribe(List.of("by-cert"));
            assertThat(pollUntil(consumer, 1))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("from carol");
        }
        // Her ACLs are hers alone: no READ on alice's input.
        try (KafkaConsumer<String, String> consumer = consumer(carol, "carol-readers")) {
            consumer.subscribe(List.of("in-a"));
            assertThatThrownBy(() -> consumer.poll(FAILURE_BOUND))
                    .isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining("in-a");
        }
    }

    @Test
    void theTlsFilesHoldingKeysAndPasswordsAreOwnerOnly() throws Exception {
        Path dir = kafka.broker().dataDir();
        for (String secret :
                List.of(BrokerTls.SECRETS_FILE, BrokerTls.CA_FILE, BrokerTls.BROKER_FILE)) {
            assertThat(
                            PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(dir.resolve(secret))))
                    .as(secret)
                    .isEqualTo("rw-------");
        }
        String clientSettings = Files.readString(kafka.broker().tls().clientSslProperties());
        assertThat(clientSettings)
                .contains("security.protocol=SASL_SSL")
                .contains("sasl.mechanism=SCRAM-SHA-512")
                .doesNotContain(ALICE_PASSWORD)
                .doesNotContain(BOB_PASSWORD);
    }

    private static List<String> readCommitted(String topic, int expected) {
        List<String> values = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(kafka.superUser());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadlineNs = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadlineNs) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            // Anything beyond the expected records would show up in this extra poll.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static List<ConsumerRecord<String, String>> pollUntil(
            KafkaConsumer<String, String> consumer, int count) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadlineNs = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (records.size() < count && System.nanoTime() < deadlineNs) {
            ConsumerRecords<String, String> polled = consumer.poll(Duration.ofMillis(200));
            polled.forEach(records::add);
        }
        return records;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(
            Map<String, Object> config, String group) {
        Map<String, Object> all = new HashMap<>(config);
        all.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        all.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        all.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }
}
