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
public final class JavaDistancesProvider extends PlainJavaProvider {

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(NAME, new JavaDistances(), null, null);
    }
}
