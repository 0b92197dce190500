package dev.quiver.ensemble;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.PlainJavaProvider;

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
public final class JavaForestProvider extends PlainJavaProvider {

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(NAME, null, null, new JavaForestKernel());
    }
}
