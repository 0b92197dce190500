package dev.quiver.compute;

/**
 * A device capability and the {@code java} one behind it, with their counts: what {@link
 * FallbackWalks} and {@link FallbackForests} share. The registry owns the fallback, so a subclass
 * closes the primary only.
 *
 * @param <K> the capability interface
 */
abstract class FallbackPair<K> implements CountedFallback {

    final K primary;
    final K fallback;
    private final String backend;
    private final FallbackCount count;

    /** {@code primary} of {@code backend}, its {@code capability} re-run on {@code fallback}. */
    FallbackPair(K primary, K fallback, String backend, String capability) {
        this.primary = primary;
        this.fallback = fallback;
        this.backend = backend;
        this.count = new FallbackCount(backend + " " + capability, primary);
    }

    /** The device backend's name: the capability's {@code backend()}. */
    public final String backend() {
        return backend;
    }

    @Override
    public final FallbackCount count() {
        return count;
    }
}
