package dev.quiver.compute;

import java.util.List;

/**
 * Creates {@link ComputeBackend}s: {@link #cpu()} for production on the CPU, {@link #java()} for
 * the exact reference, {@link #byName(String)} for a name taken from a job option.
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("nd4j-cpu")) { // same as cpu()
 *     BruteForceKnn knn = new BruteForceKnn(backend);
 *     // ... knn.knn(queries, count, k, points, out) per batch
 * }
 * ComputeBackends.byName("cuda"); // throws: unknown compute backend 'cuda'; known: nd4j-cpu, java
 * }</pre>
 */
public final class ComputeBackends {

    /** Every name {@link #byName(String)} accepts, in the order the error message lists them. */
    public static final List<String> NAMES = List.of(Nd4jCpuBackend.NAME, JavaBackend.NAME);

    private ComputeBackends() {}

    /**
     * The default CPU backend, {@code nd4j-cpu}: ND4J matrix products over OpenBLAS. The first one
     * in a JVM loads ND4J's natives (extracting about 400 MB into {@code ~/.javacpp/cache} the
     * first time on a machine).
     */
    public static ComputeBackend cpu() {
        return new Nd4jCpuBackend();
    }

    /** The plain-Java reference backend, {@code java}: direct formula, no native code. */
    public static ComputeBackend java() {
        return new JavaBackend();
    }

    /**
     * The backend called {@code name}.
     *
     * @throws IllegalArgumentException if no backend has that name; the message lists the known
     *     names
     */
    public static ComputeBackend byName(String name) {
        if (Nd4jCpuBackend.NAME.equals(name)) {
            return cpu();
        }
        if (JavaBackend.NAME.equals(name)) {
            return java();
        }
        throw new IllegalArgumentException(
                "unknown compute backend '" + name + "'; known: " + String.join(", ", NAMES));
    }
}
