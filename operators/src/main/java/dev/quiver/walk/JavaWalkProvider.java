package dev.quiver.walk;

import dev.quiver.compute.BackendProbe;
import dev.quiver.compute.BackendProvider;
import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.JavaDistancesProvider;

/**
 * The {@code java} backend's walks ({@link JavaWalkKernel}), registered here beside the Philox
 * streams and the ziggurat it needs: the walks of every backend without walks of its own.
 *
 * <pre>{@code
 * try (ComputeBackend part = new JavaWalkProvider().open()) {
 *     part.walks().backend(); // "java"
 * }
 * }</pre>
 */
public final class JavaWalkProvider implements BackendProvider {

    @Override
    public String name() {
        return JavaWalkKernel.BACKEND;
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
        return ComputeBackend.partial(JavaWalkKernel.BACKEND, null, new JavaWalkKernel(), null);
    }
}
