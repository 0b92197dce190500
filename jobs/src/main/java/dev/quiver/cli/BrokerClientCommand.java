package dev.quiver.cli;

import dev.quiver.jobs.CommandWithOptionsInCode;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * A command that talks to a broker as a Kafka client ({@code publish}, {@code consume}, {@code
 * publish-model}): the broker's address and client settings ({@link BrokerAddress}) and the
 * command's own spec, for bad usage that names it, are declared once here for each of them.
 *
 * <pre>{@code
 * @Command(name = "consume")
 * final class ConsumeCommand extends BrokerClientCommand {
 *     public Integer call() { broker.checkReachable(); ... }
 * }
 * }</pre>
 */
abstract class BrokerClientCommand extends CommandWithOptionsInCode implements Callable<Integer> {

    /** The command's spec: its name and output streams, and the command a usage error names. */
    @Spec CommandSpec spec;

    /** The broker and how to reach it. */
    @Mixin BrokerAddress broker;
}
