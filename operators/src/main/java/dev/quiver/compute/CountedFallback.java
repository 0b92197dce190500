package dev.quiver.compute;

/** The counters of a fallback capability, all kept by its {@link FallbackCount}. */
interface CountedFallback extends BackendCounters {

    /** The capability's counts. */
    FallbackCount count();

    @Override
    default long batches() {
        return count().batches();
    }

    @Override
    default long fallbacks() {
        return count().fallbacks();
    }

    @Override
    default long deviceMemoryBytes() {
        return count().deviceMemoryBytes();
    }
}
