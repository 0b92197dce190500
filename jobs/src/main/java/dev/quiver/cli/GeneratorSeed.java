package dev.quiver.cli;

import picocli.CommandLine.Option;

/**
 * The seed of the synthetic streams a command generates, a picocli mixin: the same seed, the same
 * records.
 *
 * <pre>{@code
 * quiver publish --bootstrap localhost:9092 --type observation --generate 1000 --seed 7
 * }</pre>
 */
final class GeneratorSeed {

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    /** The seed. */
    long seed() {
        return seed;
    }
}
