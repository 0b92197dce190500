package dev.quiver.compute;

/**
 * A forest loaded by a {@link ForestKernel}: on the heap, off it, or on a device. Used only with
 * the kernel that loaded it; closing it releases what the kernel holds for it.
 *
 * <pre>{@code
 * try (ForestHandle handle = kernel.load(forest)) {
 *     kernel.score(handle, rows, rowCount, handle.featureCount(), margins);
 * }
 * }</pre>
 */
public interface ForestHandle extends AutoCloseable {

    /** Features per row. */
    int featureCount();

    /** Margins per row. */
    int marginCount();

    /** Releases the loaded forest; never throws. */
    @Override
    void close();
}
