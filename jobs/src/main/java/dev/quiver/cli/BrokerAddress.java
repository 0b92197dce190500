package dev.quiver.cli;

import dev.quiver.jobs.KafkaClientOptions;
import dev.quiver.jobs.KafkaOptions;
import dev.quiver.kafka.KafkaClientConfig;
import dev.quiver.kafka.KafkaTopics;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;

/**
 * The broker a client command talks to and how, a picocli mixin: {@code --bootstrap} and the
 * user's client settings ({@link KafkaClientOptions}). {@code --bootstrap} may be left out when
 * the settings give {@code bootstrap.servers}; given, it wins over them.
 *
 * <pre>{@code
 * quiver consume --bootstrap localhost:9092 --topic quiver.posteriors
 * quiver consume --kafka-config client.properties --topic quiver.posteriors
 * }</pre>
 */
final class BrokerAddress {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            converter = KafkaOptions.BootstrapConverter.class,
            description = "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config).")
    String bootstrap;

    @Mixin KafkaClientOptions client;

    /**
     * The bootstrap servers.
     *
     * @throws ParameterException (bad usage) when neither {@code --bootstrap} nor the settings
     *     give them, or the settings cannot be read or are refused
     */
    String bootstrap() {
        String servers = clientConfig().bootstrap(bootstrap);
        if (servers == null) {
            throw new ParameterException(
                    command.commandLine(),
                    "give --bootstrap HOST:PORT, or bootstrap.servers in --kafka-config");
        }
        return servers;
    }

    /**
     * Returns normally once the broker answers, within 10 s: a wrong address or refused login is
     * one line before a command reads its input or opens a client.
     *
     * @throws ParameterException (bad usage) as {@link #bootstrap()} does
     * @throws dev.quiver.kafka.KafkaUnreachableException if the broker does not answer
     */
    void checkReachable() {
        KafkaTopics.checkReachable(bootstrap(), clientConfig(), Duration.ofSeconds(10));
    }

    /**
     * The user's client settings.
     *
     * @throws ParameterException (bad usage) when they cannot be read or are refused
     */
    KafkaClientConfig clientConfig() {
        try {
            return client.config();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }
}
