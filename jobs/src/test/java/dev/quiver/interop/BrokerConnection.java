package dev.quiver.interop;

import dev.quiver.kafka.EmbeddedKafkaBroker;

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
 * property=value} lines, which Python parses and kcat reads with {@code -F}. A secured broker adds
 * its {@code security.protocol} and credentials here, and nowhere in the tests: for the jobs
 * {@code --kafka-config FILE}, for librdkafka mutual TLS ({@code ssl.ca.location}, {@code
 * ssl.certificate.location}, {@code ssl.key.location}), since Debian 12's librdkafka 2.0.2 fails
 * every SCRAM login to Kafka 4 (operations.md); the test's own Java reads then need the Java
 * client settings too.
 *
 * <pre>{@code
 * BrokerConnection connection = BrokerConnection.plaintext(broker);
 * Path properties = connection.writeClientProperties(dir.resolve("client.properties"));
 * }</pre>
 *
 * @param bootstrap the bootstrap servers, for the test's own Java clients
 * @param librdkafka librdkafka's client settings, {@code bootstrap.servers} included
 * @param quiverOptions the options that point a {@code quiver run} at the broker
 */
public record BrokerConnection(
        String bootstrap, Map<String, String> librdkafka, List<String> quiverOptions) {

    /** The plaintext listener of {@code broker}. */
    public static BrokerConnection plaintext(EmbeddedKafkaBroker broker) {
        String bootstrap = broker.bootstrapServers();
        return new BrokerConnection(
                bootstrap,
                Map.of("bootstrap.servers", bootstrap),
                List.of("--bootstrap", bootstrap));
    }

    /** Writes {@link #librdkafka} to {@code file} as {@code property=value} lines. */
    public Path writeClientProperties(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        new TreeMap<>(librdkafka).forEach((name, value) -> lines.add(name + "=" + value));
        return Files.write(file, lines);
    }
}
