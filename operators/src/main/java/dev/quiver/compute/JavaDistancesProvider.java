package dev.quiver.compute;

/**
 * The {@code java} backend's distances ({@link JavaDistances}): plain Java, runs everywhere. The
 * {@code java} backend's walks and forests are provided by {@code dev.quiver.walk} and {@code
 * dev.quiver.ensemble}, beside the kernels they need.
 *
 * <pre>{@code
 * BackendProvider provider = new JavaDistancesProvider();
 * provider.probe().available(); // true
 * }</pre>
 */
public final class JavaDistancesProvider implements BackendProvider {

    /** The name of the plain-Java backend. */
    public static final String NAME = JavaDistances.NAME;

    /** The lowest priority: {@code auto} takes it when nothing faster runs. */
    public static final int PRIORITY = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public BackendProbe probe() {
        return BackendProbe.available("plain Java runs everywhere");
    }

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(NAME, new JavaDistances(), null, null);
    }
}
