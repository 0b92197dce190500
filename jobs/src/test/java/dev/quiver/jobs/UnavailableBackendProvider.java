package dev.quiver.jobs;

import dev.quiver.compute.BackendProbe;
import dev.quiver.compute.BackendProvider;
import dev.quiver.compute.ComputeBackend;

/**
 * A backend known here but unable to run, as a GPU backend is on a machine without a device:
 * registered for the jobs module's tests only ({@code META-INF/services} of the test resources), so
 * that {@code --backend unavailable} exercises the refusal of a known backend whose probe fails
 * without depending on any real GPU backend. Its priority is below every real backend's, so {@code
 * auto} never reaches it.
 */
public final class UnavailableBackendProvider implements BackendProvider {

    /** The backend's name, as {@code --backend} takes it. */
    public static final String NAME = "unavailable";

    /** What its probe says. */
    public static final String REASON = "no device for the test backend";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public BackendProbe probe() {
        return BackendProbe.unavailable(REASON);
    }

    @Override
    public ComputeBackend open() {
        throw new IllegalStateException("the test backend '" + NAME + "' never opens");
    }
}
