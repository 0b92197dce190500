package dev.quiver.compute;

/**
 * A backend-owned, versioned store of rows of one dimension, for {@link DistanceKernel#nearest}:
 * rows are appended at the end (a slot each, numbered from 0), removed by marking their slot dead
 * (a tombstone), and packed again by {@link #compact()}, which says where every row went. The
 * backend may keep the rows off the Java heap (ND4J) or on a device; it copies only appended rows,
 * never the whole block, so a store updated a few rows at a time stays cheap to keep in step.
 *
 * <p>{@link #version()} counts the changes: it increases with every append, tombstone and
 * compaction, so a caller holding results (slots) can tell whether they still name the same rows.
 * Not thread-safe; used with the kernel that opened it.
 *
 * <pre>{@code
 * try (PointBlock block = kernel.openPointBlock(2)) {
 *     int first = block.append(new float[] {1f, 1f, 2f, 2f, 3f, 3f}, 0, 3); // 0: slots 0, 1, 2
 *     block.tombstone(0);
 *     long seen = block.version();                                          // 2
 *     int[] moved = block.compact();                                        // {-1, 0, 1}
 *     // block.slotCount() == 2, block.liveCount() == 2, block.version() > seen
 * }
 * }</pre>
 */
public interface PointBlock extends AutoCloseable {

    /** Floats per row. */
    int dimension();

    /**
     * Appends {@code count} rows, {@code rows[offset, offset + count * dimension())}, row-major, as
     * live slots {@code slotCount() ...}; returns the first of them.
     *
     * @throws IllegalArgumentException if {@code count < 0} or the array is too short
     */
    int append(float[] rows, int offset, int count);

    /**
     * Marks {@code slot} dead: {@link DistanceKernel#nearest} no longer reports it.
     *
     * @throws IllegalArgumentException if the slot is outside {@code [0, slotCount())} or already
     *     dead
     */
    void tombstone(int slot);

    /** True when {@code slot} holds a live row. */
    boolean isLive(int slot);

    /** A counter that increases with every append, tombstone and compaction; starts at 0. */
    long version();

    /** Slots in use, live or dead. */
    int slotCount();

    /** Live slots. */
    int liveCount();

    /**
     * Moves the live rows to slots {@code 0 .. liveCount() - 1}, keeping their order, and drops the
     * dead ones. Returns the map from every old slot to its new one, -1 for a dead slot (the array
     * has the old {@code slotCount()} entries).
     */
    int[] compact();

    /** Releases the rows; the block must not be used afterwards. Never throws. */
    @Override
    void close();
}
