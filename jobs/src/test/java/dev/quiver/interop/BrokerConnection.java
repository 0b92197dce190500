package dev.quiver.interop;

import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.SecuredBrokerFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How every client of a test reaches the broker under test: Quiver's jobs by their command-line
 * options, librdkafka's clients (confluent_kafka, kcat) by a client properties file of {@code
 * property=value} lines, which Python parses and kcat reads with {@code -F}, and the test's own
 * Java clients by their settings. A secured broker adds its {@code security.protocol} and
 * credentials here, and nowhere in the tests: for the jobs {@code --kafka-config FILE}, for
 * librdkafka SASL_SSL with the mechanism {@link LibrdkafkaSasl} chose and the broker's CA, for Java
 * the broker's super user over mutual TLS.
 *
 * <pre>{@code
 * BrokerConnection connection = BrokerConnection.plaintext(broker);
 * Path properties = connection.writeClientProperties(dir.resolve("client.properties"));
 * BrokerConnection secured = BrokerConnection.saslSsl(kafka, "PLAIN",
 *         new BrokerConnection.Login("feeder", "feeder-secret"),
 *         new BrokerConnection.Login("runner", "runner-secret"), dir.resolve("runner.properties"));
 * }</pre>
 *
 * @param javaClient the settings of the test's own Java clients, {@code bootstrap.servers} included
 * @param librdkafka librdkafka's client settings, {@code bootstrap.servers} included
 * @param quiverOptions the options that point a {@code quiver run} at the broker
 */
public record BrokerConnection(
        Map<String, Object> javaClient,
        Map<String, String> librdkafka,
        List<String> quiverOptions) {

    /** A user of a secured broker and the password in its users file. */
    public record Login(String user, String password) {}

    /** The plaintext listener of {@code broker}. */
    public static BrokerConnection plaintext(EmbeddedKafkaBroker broker) {
        String bootstrap = broker.bootstrapServers();
        return new BrokerConnection(
                Map.of("bootstrap.servers", bootstrap),
                Map.of("bootstrap.servers", bootstrap),
                List.of("--bootstrap", bootstrap));
    }

    /**
     * The SASL_SSL listener of {@code kafka}: librdkafka's clients log in as {@code clients} with
     * {@code mechanism} and trust the broker's CA ({@code tls-ca.pem}); Quiver's jobs log in as
     * {@code job} with SCRAM-SHA-512 through {@code --kafka-config jobSettings}, a file written
     * here; the test's own Java clients are the super user, who may read whatever the job wrote.
     */
    public static BrokerConnection saslSsl(
            SecuredBrokerFixture kafka,
            String mechanism,
            Login clients,
            Login job,
            Path jobSettings) {
        EmbeddedKafkaBroker broker = kafka.broker();
        return new BrokerConnection(
                kafka.superUser(),
                Map.of(
                        "bootstrap.servers", broker.bootstrapServers(),
                        "security.protocol", "SASL_SSL",
                        "sasl.mechanism", mechanism,
                        "sasl.username", clients.user(),
                        "sasl.password", clients.password(),
                        "ssl.ca.location", broker.tls().caPem().toString()),
                List.of(
                        "--kafka-config",
                        kafka.saslClientFile(job.user(), job.password(), jobSettings).toString()));
    }

    /** Writes {@link #librdkafka} to {@code file} as {@code property=value} lines. */
    public Path writeClientProperties(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        new TreeMap<>(librdkafka).forEach((name, value) -> lines.add(name + "=" + value));
        return Files.write(file, lines);
    }
}
