package dev.quiver.compute;

/**
 * What every {@link ForestHandle} knows of its forest, its shape: features and margins per row. A
 * kernel's handle extends it with what it loaded (order keys, a device copy).
 *
 * <pre>{@code
 * final class Loaded extends LoadedForest {
 *     Loaded(FlatForest forest) { super(forest); }
 *     public void close() {}
 * }
 * new Loaded(stump).featureCount(); // the forest's
 * }</pre>
 */
public abstract class LoadedForest implements ForestHandle {

    private final FlatForest forest;

    /** A handle for {@code forest}. */
    protected LoadedForest(FlatForest forest) {
        this.forest = forest;
    }

    /** The forest loaded. */
    public final FlatForest forest() {
        return forest;
    }

    @Override
    public final int featureCount() {
        return forest.featureCount();
    }

    @Override
    public final int marginCount() {
        return forest.marginCount();
    }
}
