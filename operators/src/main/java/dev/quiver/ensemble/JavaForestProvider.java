package dev.quiver.ensemble;

import dev.quiver.compute.BackendProbe;
import dev.quiver.compute.BackendProvider;
import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.JavaDistancesProvider;

/**
 * The {@code java} backend's forests ({@link JavaForestKernel}), registered here beside {@link
 * TreeEnsemble}'s scoring loop: the forests of every backend without forests of its own.
 *
 * <pre>{@code
 * try (ComputeBackend part = new JavaForestProvider().open()) {
 *     part.forests().backend(); // "java"
 * }
 * }</pre>
 */
public final class JavaForestProvider implements BackendProvider {

    @Override
    public String name() {
        return JavaForestKernel.BACKEND;
    }

    @Override
    public int priority() {
        return JavaDistancesProvider.PRIORITY;
    }

    @Override
    public BackendProbe probe() {
        return BackendProbe.available("plain Java runs everywhere");
    }

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(JavaForestKernel.BACKEND, null, null, new JavaForestKernel());
    }
}
