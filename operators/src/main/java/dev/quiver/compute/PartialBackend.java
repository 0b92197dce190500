package dev.quiver.compute;

import java.util.Objects;

/** {@link ComputeBackend#partial}: a fixed set of capabilities under one name. */
record PartialBackend(String name, DistanceKernel distances, WalkKernel walks, ForestKernel forests)
        implements ComputeBackend {

    PartialBackend {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public void close() {
        closeQuietly(distances);
        closeQuietly(walks);
        closeQuietly(forests);
    }

    /** Closes a capability, if any; a capability's close never throws by contract. */
    static void closeQuietly(AutoCloseable capability) {
        if (capability == null) {
            return;
        }
        try {
            capability.close();
        } catch (Exception e) {
            throw new IllegalStateException("a capability's close() must not throw", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
