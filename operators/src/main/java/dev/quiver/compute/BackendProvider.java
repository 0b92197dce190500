package dev.quiver.compute;

/**
 * The service interface through which {@link ComputeBackends} finds backends: each implementation
 * is listed in {@code META-INF/services/dev.quiver.compute.BackendProvider} of its jar and found by
 * {@link java.util.ServiceLoader}.
 *
 * <p>A provider contributes some capabilities under a backend name: several providers may share a
 * name, and the backend of that name has the capabilities of all of them (the plain-Java {@code
 * java} backend is three providers: distances in {@code compute}, walks in {@code walk}, forests in
 * {@code ensemble}, each beside the code it needs). A capability no provider of a name offers comes
 * from the {@code java} backend. {@link #probe()} must be cheap and must not load native libraries:
 * it runs for every {@code auto} choice; a provider class must not name a native library's types in
 * its own signatures, so listing it never loads them.
 *
 * <pre>{@code
 * public final class MyProvider implements BackendProvider {
 *     public String name() { return "my-gpu"; }
 *     public int priority() { return 300; }           // tried by auto before nd4j-cpu (200)
 *     public BackendProbe probe() { return BackendProbe.unavailable("no device"); }
 *     public ComputeBackend open() { return new MyBackend(); }
 * }
 * }</pre>
 */
public interface BackendProvider {

    /** The backend's name, as {@code --backend} and the {@code backend} metric spell it. */
    String name();

    /**
     * Where {@code auto} tries this backend: higher first ({@code java} 100, {@code nd4j-cpu} 200,
     * a GPU backend above). Providers of one name should agree; the highest counts.
     */
    int priority();

    /** Whether the backend can run here; cheap, and never loads native code. */
    BackendProbe probe();

    /**
     * Opens this provider's part of the backend: a {@link ComputeBackend} whose capability methods
     * return null for what this provider does not offer.
     */
    ComputeBackend open();

    /**
     * {@link #open()} on device {@code deviceIndex} (0 for the first); a provider without devices
     * ignores the index.
     */
    default ComputeBackend open(int deviceIndex) {
        return open();
    }

    /**
     * True for a backend on a device, whose calls may fail at run time ({@link
     * BackendFailureException}): the registry then puts the {@code java} backend's capabilities
     * behind each of its own ({@link FallbackDistances}, {@link FallbackWalks}, {@link
     * FallbackForests}), so a failed call is answered there and counted.
     */
    default boolean runsOnDevice() {
        return false;
    }
}
