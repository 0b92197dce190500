package dev.quiver.compute;

import java.util.Arrays;

/**
 * The bookkeeping every {@link PointBlock} shares: live flags, counts, the version and the order of
 * a compaction. A subclass stores the rows ({@link #store}, {@link #move}) where its backend wants
 * them, growing its storage by doubling so appends cost amortised {@code O(d)} per row.
 *
 * <pre>{@code
 * final class DeviceBlock extends SlotBlock {
 *     protected void store(float[] rows, int offset, int count, int first) { ... copy them up ... }
 *     protected void move(int from, int to) { ... }
 *     protected void release() { ... free them ... }
 * }
 * }</pre>
 */
public abstract class SlotBlock extends ReleasedOnce implements PointBlock {

    private final int dimension;
    private final CheckedDistances kernel;
    private boolean[] live = new boolean[16];
    private int slotCount;
    private int liveCount;
    private long version;

    /** An empty block of {@code dimension}, opened by {@code kernel}. */
    protected SlotBlock(int dimension, CheckedDistances kernel) {
        super("the point block");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        this.dimension = dimension;
        this.kernel = kernel;
    }

    /** True when {@code candidate} opened this block: the only kernel that may read it. */
    final boolean openedBy(CheckedDistances candidate) {
        return kernel == candidate;
    }

    @Override
    public final int dimension() {
        return dimension;
    }

    @Override
    public final int append(float[] rows, int offset, int count) {
        checkOpen();
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        new RowBlock(rows, offset, count).checkRows("rows", dimension);
        int first = slotCount;
        int needed = Math.addExact(first, count);
        if (needed > live.length) {
            live = Arrays.copyOf(live, Math.max(needed, 2 * live.length));
        }
        store(rows, offset, count, first);
        Arrays.fill(live, first, needed, true);
        slotCount = needed;
        liveCount += count;
        version++;
        return first;
    }

    @Override
    public final void tombstone(int slot) {
        checkOpen();
        if (!isLive(slot)) {
            throw new IllegalArgumentException(
                    "slot " + slot + " is not live (slots in use: " + slotCount + ")");
        }
        live[slot] = false;
        liveCount--;
        version++;
        tombstoned(slot);
    }

    @Override
    public final boolean isLive(int slot) {
        return slot >= 0 && slot < slotCount && live[slot];
    }

    @Override
    public final long version() {
        return version;
    }

    @Override
    public final int slotCount() {
        return slotCount;
    }

    @Override
    public final int liveCount() {
        return liveCount;
    }

    @Override
    public final int[] compact() {
        checkOpen();
        int[] moved = new int[slotCount];
        int next = 0;
        for (int slot = 0; slot < slotCount; slot++) {
            if (live[slot]) {
                if (slot != next) {
                    move(slot, next);
                }
                moved[slot] = next++;
            } else {
                moved[slot] = -1;
            }
        }
        Arrays.fill(live, 0, slotCount, false);
        Arrays.fill(live, 0, next, true);
        slotCount = next;
        version++;
        compacted(moved, next);
        return moved;
    }

    /** Stores {@code count} rows from {@code rows[offset ...]} at slots {@code first ...}. */
    protected abstract void store(float[] rows, int offset, int count, int first);

    /** Copies the row of slot {@code from} to slot {@code to < from}. */
    protected abstract void move(int from, int to);

    /** Called once {@code slot} is marked dead: a store that keeps its own flags updates them. */
    protected void tombstoned(int slot) {
        // Stores that read the live flags here have nothing to do.
    }

    /**
     * Called once a compaction has moved every row ({@link #move}): {@code moved} maps each old
     * slot to its new one, -1 if dead, and {@code liveCount} rows remain. A store that moves
     * rows in bulk (a device) does it here and leaves {@link #move} empty.
     */
    protected void compacted(int[] moved, int liveCount) {
        // Stores that move row by row have nothing left to do.
    }
}
