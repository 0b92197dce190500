package dev.quiver.cli;

import static dev.quiver.kafka.KafkaTestClients.consumeUntil;
import static dev.quiver.kafka.KafkaTestClients.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quiver.kafka.BrokerTls;
import dev.quiver.kafka.KafkaTestClients;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

class BrokerCommandTest {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String ALICE_PASSWORD = "alice-cli-secret";

    @Test
    void servesUntilInterruptedThenExitsZeroAndReleasesThePort(@TempDir Path dataDir)
            throws Exception {
        int port = KafkaTestClients.freePort();
        RunningCommand running =
                RunningCommand.start(
                        "--port",
                        Integer.toString(port),
                        "--data-dir",
                        dataDir.toString(),
                        "--partitions",
                        "3");
        try {
            String bootstrap = "localhost:" + port;
            running.awaitOutput("Kafka broker ready at " + bootstrap);
            assertThat(running.out().toString().strip())
                    .isEqualTo(
                            "Kafka broker ready at "
                                    + bootstrap
                                    + " (data in "
                                    + dataDir.toAbsolutePath()
                                    + "; Ctrl-C to stop)");

            try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of())) {
                producer.send(new ProducerRecord<>("cli", "hello")).get();
                assertThat(producer.partitionsFor("cli")).as("auto-created partitions").hasSize(3);
            }
            assertThat(
                            consumeUntil(
                                    bootstrap,
                                    "cli",
                                    "cli-group",
                                    "hello"::equals,
                                    Duration.ofSeconds(30)))
                    .containsExactly("hello");
        } finally {
            running.interruptAndCheckItExitsZero();
        }

        assertThat(KafkaTestClients.isFree(port)).as("port released").isTrue();
        assertThat(dataDir.resolve("meta.properties")).as("given data dir kept").exists();
    }

    @Test
    void aSecuredBrokerReusesTheCaOfAnEarlierClientCertificateAndServesBothListeners(
            @TempDir Path dataDir, @TempDir Path files) throws Exception {
        Path users = Files.write(files.resolve("users.txt"), List.of("alice:" + ALICE_PASSWORD));
        Path acls =
                Files.write(
                        files.resolve("acls.txt"),
                        List.of(
                                "User:alice ALL TOPIC cli- PREFIXED",
                                "User:carol READ TOPIC cli-" + " PREFIXED"));
        StringWriter issued = new StringWriter();
        int issueExit =
                new CommandLine(new BrokerCommand())
                        .setOut(new PrintWriter(issued, true))
                        .execute("--data-dir", dataDir.toString(), "--issue-client-cert", "carol");
        assertThat(issueExit).isZero();
        Path carolSettings = dataDir.toAbsolutePath().resolve("tls-client-carol.properties");
        assertThat(issued.toString().strip())
                .isEqualTo(
                        "Client certificate for User:carol: "
                                + dataDir.toAbsolutePath().resolve("tls-client-carol.p12")
                                + ", settings in "
                                + carolSettings
                                + " (connect to the broker's mutual-TLS port)");

        int port = KafkaTestClients.freePort();
        int mtlsPort = KafkaTestClients.freePort();
        RunningCommand running =
                RunningCommand.start(
                        "--port", Integer.toString(port),
                        "--mtls-port", Integer.toString(mtlsPort),
                        "--data-dir", dataDir.toString(),
                        "--security", "sasl-ssl",
                        "--users", users.toString(),
                        "--acls", acls.toString());
        try {
            running.awaitOutput("Client settings: ");
            Path clientSettings = dataDir.toAbsolutePath().resolve("client-ssl.properties");
            assertThat(running.out().toString().strip().lines())
                    .containsExactly(
                            "Kafka broker ready at localhost:"
                                    + port
                                    + " (SASL_SSL, SCRAM-SHA-512 or PLAIN; mutual TLS at localhost:"
                                    + mtlsPort
                                    + "; data in "
                                    + dataDir.toAbsolutePath()
                                    + "; Ctrl-C to stop)",
                            "Client settings: "
                                    + clientSettings
                                    + " (add a sasl.jaas.config line; CA for other clients: "
                                    + dataDir.toAbsolutePath().resolve("tls-ca.pem")
                                    + ")");

            // alice with the printed settings file and her line, as a user would write it.
            Map<String, Object> alice = new HashMap<>();
            BrokerTls.readProperties(clientSettings).forEach((k, v) -> alice.put((String) k, v));
            alice.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " username=\"alice\" password=\""
                            + ALICE_PASSWORD
                            + "\";");
            try (KafkaProducer<String, String> producer = producer("localhost:" + port, alice)) {
                producer.send(new ProducerRecord<>("cli-secured", "by alice")).get();
            }
            // carol with the certificate issued before the broker first started.
            Map<String, Object> carol = new HashMap<>();
            BrokerTls.readProperties(carolSettings).forEach((k, v) -> carol.put((String) k, v));
            carol.put("bootstrap.servers", "localhost:" + mtlsPort);
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(
                            carol, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition("cli-secured", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                assertThat(consumer.poll(Duration.ofSeconds(30)))
                        .extracting(ConsumerRecord::value)
                        .containsExactly("by alice");
            }
            assertThat(running.out().toString()).doesNotContain(ALICE_PASSWORD);
        } finally {
            running.interruptAndCheckItExitsZero();
        }
        assertThat(KafkaTestClients.isFree(mtlsPort)).as("mTLS port released").isTrue();
    }

    @Test
    void aPortInUseFailsWithAOneLineErrorAndANonZeroExitCode() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("localhost", 0));
            int port = taken.getLocalPort();
            StringWriter out = new StringWriter();
            AtomicReference<Exception> error = new AtomicReference<>();
            CommandLine command =
                    new CommandLine(new BrokerCommand())
                            .setOut(new PrintWriter(out, true))
                            // What the top-level CLI does: print the message as one line, exit 1.
                            .setExecutionExceptionHandler(
                                    (e, commandLine, parseResult) -> {
                                        error.set(e);
                                        return 1;
                                    });

            int exitCode = command.execute("--port", Integer.toString(port));

            assertThat(exitCode).isNotZero();
            assertThat(error.get()).isInstanceOf(IllegalStateException.class);
            assertThat(error.get().getMessage()).contains("port " + port).doesNotContain("\n");
            assertThat(out.toString()).doesNotContain("ready");
        }
    }

    @Test
    void helpSaysThatWithoutADataDirTheDataIsDiscarded() {
        StringWriter out = new StringWriter();
        CommandLine command =
                new CommandLine(new BrokerCommand()).setOut(new PrintWriter(out, true));

        assertThat(command.execute("--help")).isZero();

        // Picocli wraps the usage at 80 columns; compare with the wrapping undone.
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("--port=PORT", "9092", "--data-dir=DIR", "discarded on exit");
    }

    /** {@code quiver broker ARGS} running on a thread of its own, its output in {@link #out()}. */
    private record RunningCommand(Thread thread, StringWriter out, AtomicInteger exitCode) {
        static RunningCommand start(String... args) {
            StringWriter out = new StringWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            CommandLine command =
                    new CommandLine(new BrokerCommand()).setOut(new PrintWriter(out, true));
            Thread thread = new Thread(() -> exitCode.set(command.execute(args)), "broker-command");
            thread.start();
            return new RunningCommand(thread, out, exitCode);
        }

        void awaitOutput(String expected) throws InterruptedException {
            long deadlineNs = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (!out.toString().contains(expected)) {
                if (!thread.isAlive()) {
                    fail("command ended before printing '" + expected + "'; output: " + out);
                }
                if (System.nanoTime() > deadlineNs) {
                    fail("no '" + expected + "' within " + READY_TIMEOUT + "; output: " + out);
                }
                Thread.sleep(50);
            }
        }

        void interruptAndCheckItExitsZero() throws InterruptedException {
            thread.interrupt();
            thread.join(Duration.ofSeconds(60).toMillis());
            assertThat(thread.isAlive()).as("command still running after interrupt").isFalse();
            assertThat(exitCode.get()).isZero();
        }
    }
}
