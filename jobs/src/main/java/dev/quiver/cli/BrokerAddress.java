package dev.quiver.cli;

import dev.quiver.jobs.KafkaOptions;

import picocli.CommandLine.Option;

/**
 * The broker a client command talks to, a picocli mixin: {@code --bootstrap}, required.
 *
 * <pre>{@code
 * quiver consume --bootstrap localhost:9092 --topic quiver.posteriors
 * }</pre>
 */
final class BrokerAddress {

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            converter = KafkaOptions.BootstrapConverter.class,
            description = "Kafka bootstrap servers.")
    String bootstrap;

    /** The bootstrap servers. */
    String bootstrap() {
        return bootstrap;
    }
}
