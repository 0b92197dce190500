package dev.quiver.compute;

/**
 * What every provider of the {@code java} backend shares: the name, the lowest priority and a probe
 * that always passes. A subclass opens its capability: distances here, walks in {@code
 * dev.quiver.walk}, forests in {@code dev.quiver.ensemble}, each beside the code it needs.
 *
 * <pre>{@code
 * public final class JavaWalkProvider extends PlainJavaProvider {
 *     public ComputeBackend open() {
 *         return ComputeBackend.partial(NAME, null, new JavaWalkKernel(), null);
 *     }
 * }
 * }</pre>
 */
public abstract class PlainJavaProvider extends NamedProvider {

    /** The name of the plain-Java backend. */
    public static final String NAME = JavaDistances.NAME;

    /** The lowest priority: {@code auto} takes {@code java} when nothing faster runs. */
    public static final int PRIORITY = 100;

    /** The java provider of a subclass's capability. */
    protected PlainJavaProvider() {
        super(NAME, PRIORITY);
    }

    @Override
    public final BackendProbe probe() {
        return BackendProbe.available("plain Java runs everywhere");
    }
}
