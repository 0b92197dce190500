package dev.quiver.jobs;

import dev.quiver.compute.ComputeBackends;

import picocli.CommandLine.Option;

/**
 * The compute backend of a stage whose kernels run through one (match's brute force, walk's
 * simulations, score's forests), a picocli mixin: {@code --backend auto|java|nd4j-cpu|NAME}, any
 * name a {@code BackendProvider} found here offers. A stage gives its own default.
 *
 * <p>{@link #check()} refuses an unknown name, and, when the job will run in this JVM ({@code
 * quiver run}'s in-process MiniCluster), a backend whose probe says it cannot run here, naming the
 * probe's reason; so {@code --backend cuda} without a device is bad usage on one line before
 * anything starts. A job main on a cluster runs on the JobManager, not where the operators run, so
 * there the probe is left to the operators' {@code open()}.
 *
 * <pre>{@code
 * @Mixin BackendOption backend = new BackendOption("nd4j-cpu");
 * ...
 * backend.check();                       // --backend: compute backend 'cuda' cannot run here: ...
 * new WalkFunction(options, backend.name(), batches.policy());
 * }</pre>
 */
final class BackendOption {

    @Option(
            names = "--backend",
            paramLabel = "NAME",
            description =
                    "Compute backend of the stage's kernels: auto (the first by priority that can"
                            + " run here, logged), java, nd4j-cpu, or another one installed, such"
                            + " as cuda (default: ${DEFAULT-VALUE}).")
    String name;

    /** The option with {@code defaultName} as its default. */
    BackendOption(String defaultName) {
        this.name = defaultName;
    }

    /** The backend's name, as given: {@code auto} or a provider's. */
    String name() {
        return name;
    }

    /**
     * Checks the name, and that the backend can run here when the job runs in this JVM.
     *
     * @throws IllegalArgumentException naming {@code --backend} and why
     */
    void check() {
        try {
            ComputeBackends.requireKnown(name);
            if (LocalExecution.runsInThisJvm()) {
                ComputeBackends.requireAvailable(name);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend: " + e.getMessage(), e);
        }
    }
}
