package dev.quiver.cli;

import picocli.CommandLine.Option;

/**
 * The synthetic streams a command generates ({@link SyntheticStreams}), a picocli mixin: the seed
 * (the same seed, the same records) and how many observation keys they spread over.
 *
 * <pre>{@code
 * quiver publish --bootstrap localhost:9092 --type observation --generate 1000 --seed 7 --keys 20
 * }</pre>
 */
final class GeneratorOptions {

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--keys",
            paramLabel = "K",
            defaultValue = "50",
            description = "Observation keys of the generated stream (default: ${DEFAULT-VALUE}).")
    int keys;

    /** The number of observation keys. */
    int keys() {
        return keys;
    }

    /**
     * The streams of these options, with {@code dim}-dimensional vectors and queries in {@code
     * namespace}, record 0 at the current time.
     *
     * @throws IllegalArgumentException if {@code --keys} or {@code dim} is not positive
     */
    SyntheticStreams streams(int dim, String namespace) {
        return streams(dim, namespace, 0);
    }

    /**
     * As {@link #streams(int, String)}, each observation with {@code features} uniform features.
     *
     * @throws IllegalArgumentException also if {@code features} is negative
     */
    SyntheticStreams streams(int dim, String namespace, int features) {
        return new SyntheticStreams(
                seed, keys, dim, namespace, System.currentTimeMillis(), features);
    }
}
