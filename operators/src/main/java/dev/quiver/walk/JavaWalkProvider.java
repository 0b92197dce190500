package dev.quiver.walk;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.PlainJavaProvider;

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
public final class JavaWalkProvider extends PlainJavaProvider {

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(NAME, null, new JavaWalkKernel(), null);
    }
}
