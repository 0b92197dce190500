package dev.quiver.compute;

import java.util.Objects;

/**
 * A device's forests with the {@code java} backend's behind them: a forest is loaded on the
 * device, and loaded on the fallback only when a load or a score on the device fails ({@link
 * BackendFailureException}); such a batch is scored again there. Margins are bit-identical either
 * way. Closing the kernel closes the device part only: the registry owns the fallback.
 *
 * <pre>{@code
 * ForestKernel forests = new FallbackForests(cudaForests, javaForests);
 * try (ForestHandle handle = forests.load(model.flatView())) {
 *     forests.score(handle, rows, rowCount, featureCount, margins); // same bits either way
 * }
 * }</pre>
 */
public final class FallbackForests extends FallbackPair<ForestKernel> implements ForestKernel {

    /** Forests on {@code primary}, scored on {@code fallback} when the device fails. */
    public FallbackForests(ForestKernel primary, ForestKernel fallback) {
        super(primary, fallback, primary.backend(), "forests");
    }

    @Override
    public ForestHandle load(FlatForest forest) {
        Objects.requireNonNull(forest, "forest");
        ForestHandle onDevice = null;
        try {
            onDevice = primary.load(forest);
        } catch (BackendFailureException e) {
            count().fellBack(e);
        }
        return new Handle(forest, onDevice);
    }

    @Override
    public void score(ForestHandle forest, float[] rows, int n, int features, float[] margins) {
        if (!(forest instanceof Handle handle) || handle.owner() != this) {
            throw new IllegalArgumentException("the forest was loaded by another kernel");
        }
        if (handle.onDevice == null) {
            count().ranOnFallback();
            fallback.score(handle.onFallback(), rows, n, features, margins);
            return;
        }
        count().run(
                () -> primary.score(handle.onDevice, rows, n, features, margins),
                () -> fallback.score(handle.onFallback(), rows, n, features, margins));
    }

    @Override
    public void close() {
        primary.close();
    }

    /** A forest on the device, and on the fallback once the device has failed it. */
    private final class Handle extends LoadedForest {
        private final ForestHandle onDevice;
        private ForestHandle onFallback;

        Handle(FlatForest forest, ForestHandle onDevice) {
            super(forest);
            this.onDevice = onDevice;
        }

        FallbackForests owner() {
            return FallbackForests.this;
        }

        ForestHandle onFallback() {
            if (onFallback == null) {
                onFallback = fallback.load(forest());
            }
            return onFallback;
        }

        @Override
        public void close() {
            if (onDevice != null) {
                onDevice.close();
            }
            if (onFallback != null) {
                onFallback.close();
            }
        }
    }
}
