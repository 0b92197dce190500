package dev.quiver.compute;

import java.util.Objects;

/**
 * A {@link BackendProvider} whose name and priority are fixed when it is made: the base of every
 * provider that Quiver ships, which then supplies its probe and what it opens.
 *
 * <pre>{@code
 * public final class MyProvider extends NamedProvider {
 *     public MyProvider() { super("my-gpu", 300); }
 *     public BackendProbe probe() { return BackendProbe.unavailable("no device"); }
 *     public ComputeBackend open() { ... }
 * }
 * }</pre>
 */
public abstract class NamedProvider implements BackendProvider {

    private final String name;
    private final int priority;

    /** A provider of backend {@code name} at {@code priority}. */
    protected NamedProvider(String name, int priority) {
        this.name = Objects.requireNonNull(name, "name");
        this.priority = priority;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }
}
