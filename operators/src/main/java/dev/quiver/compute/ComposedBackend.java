package dev.quiver.compute;

import java.util.ArrayList;
import java.util.List;

/**
 * A backend of the registry: the capabilities of its own providers' partial backends, the missing
 * ones taken from the {@code java} backend's. Closing it closes every partial backend it opened,
 * once.
 */
final class ComposedBackend implements ComputeBackend {

    private final String name;
    private final List<ComputeBackend> parts = new ArrayList<>();
    private DistanceKernel distances;
    private WalkKernel walks;
    private ForestKernel forests;
    private boolean closed;

    ComposedBackend(String name) {
        this.name = name;
    }

    /** Takes the capabilities of one of the backend's own providers that are still missing. */
    void add(ComputeBackend part) {
        keep(part);
        take(part);
    }

    /** Closes {@code part} with this backend, taking none of its capabilities yet. */
    void keep(ComputeBackend part) {
        parts.add(part);
    }

    /** Takes the capabilities of a part kept already that are still missing. */
    void take(ComputeBackend part) {
        distances = distances != null ? distances : part.distances();
        walks = walks != null ? walks : part.walks();
        forests = forests != null ? forests : part.forests();
    }

    /**
     * Takes the capabilities of a provider on a device that are still missing, each with the
     * {@code reference} ({@code java}) backend's behind it, so a failed call is answered there.
     */
    void addOnDevice(ComputeBackend part, ComputeBackend reference) {
        parts.add(part);
        if (distances == null && part.distances() != null) {
            distances = new FallbackDistances(part.distances(), reference.distances());
        }
        if (walks == null && part.walks() != null) {
            walks = new FallbackWalks(part.walks(), reference.walks());
        }
        if (forests == null && part.forests() != null) {
            forests = new FallbackForests(part.forests(), reference.forests());
        }
    }

    /** Takes from a {@code java} provider's backend what is still missing; closes it if nothing. */
    void addFallback(ComputeBackend part) {
        boolean useful =
                (distances == null && part.distances() != null)
                        || (walks == null && part.walks() != null)
                        || (forests == null && part.forests() != null);
        if (useful) {
            add(part);
        } else {
            part.close();
        }
    }

    boolean complete() {
        return distances != null && walks != null && forests != null;
    }

    void checkComplete() {
        if (!complete()) {
            List<String> missing = new ArrayList<>();
            if (distances == null) {
                missing.add("distances");
            }
            if (walks == null) {
                missing.add("walks");
            }
            if (forests == null) {
                missing.add("forests");
            }
            throw new IllegalStateException(
                    "compute backend "
                            + name
                            + " lacks "
                            + missing
                            + " and no java provider on the classpath offers them");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DistanceKernel distances() {
        return distances;
    }

    @Override
    public WalkKernel walks() {
        return walks;
    }

    @Override
    public ForestKernel forests() {
        return forests;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ComputeBackend part : parts) {
            part.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
