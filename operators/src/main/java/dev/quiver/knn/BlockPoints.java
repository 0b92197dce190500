package dev.quiver.knn;

import dev.quiver.compute.DistanceKernel;
import dev.quiver.compute.PointBlock;
import dev.quiver.compute.SquaredNorms;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A namespace's points kept in a backend's {@link PointBlock} for the batched brute force, in step
 * with every upsert and delete: an upsert tombstones the point's old slot and appends the new row,
 * a delete tombstones, and the block is compacted when dead slots outnumber the live ones by more
 * than {@value #COMPACT_SLACK}, so it is never rebuilt per batch. The rows are also kept here, on
 * the Java heap and in the block's slots, for {@link BruteForceKnn}'s exact re-ranking and as the
 * {@link PointSet} its answers' slots refer to ({@link #id(int)}).
 *
 * <p>Not thread-safe. Upserts and deletes cost {@code O(d)} amortised (a compaction moves every
 * live row once, after at least as many changes). The caller passes vectors already stored as the
 * index stores them (normalised under cosine).
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("java");
 *         BlockPoints points = new BlockPoints(backend.distances(), 2)) {
 *     points.upsert("a", new float[] {0f, 1f}, 0);
 *     points.upsert("b", new float[] {5f, 5f}, 0);
 *     points.delete("a");
 *     NeighborBuffer[] out = {new NeighborBuffer(1)};
 *     new BruteForceKnn(backend).knn(new float[] {0f, 0f}, 1, 1, points, out);
 *     points.id(out[0].slot(0)); // "b"
 * }
 * }</pre>
 */
public final class BlockPoints implements PointSet, AutoCloseable {

    /** Dead slots tolerated beyond the live count before the block is compacted. */
    static final int COMPACT_SLACK = 1024;

    private final DistanceKernel kernel;
    private final PointBlock block;
    private final Map<String, Integer> slotById = new HashMap<>();
    private float[] rows = new float[0];
    private String[] ids = new String[16];
    private double maxSquaredNorm;

    /**
     * An empty set of points of {@code dimension} floats in a block of {@code kernel}.
     *
     * @throws IllegalArgumentException if {@code dimension < 1}
     */
    public BlockPoints(DistanceKernel kernel, int dimension) {
        this.kernel = kernel;
        this.block = kernel.openPointBlock(dimension);
    }

    /** The kernel whose block holds the points. */
    public DistanceKernel kernel() {
        return kernel;
    }

    /** The block; its slots are this set's. */
    public PointBlock block() {
        return block;
    }

    /** The block's version: it changes with every upsert, delete and compaction. */
    public long version() {
        return block.version();
    }

    /**
     * Inserts or replaces the point {@code id} with {@code v[off, off + dimension)}.
     *
     * @return true if a point with this id was replaced
     */
    public boolean upsert(String id, float[] v, int off) {
        boolean replaced = removeSlot(id);
        int slot = block.append(v, off, 1);
        int dimension = block.dimension();
        int needed = (slot + 1) * dimension;
        if (rows.length < needed) {
            rows = Arrays.copyOf(rows, Math.max(needed, 2 * rows.length));
        }
        if (ids.length <= slot) {
            ids = Arrays.copyOf(ids, Math.max(slot + 1, 2 * ids.length));
        }
        System.arraycopy(v, off, rows, slot * dimension, dimension);
        ids[slot] = id;
        slotById.put(id, slot);
        maxSquaredNorm = Math.max(maxSquaredNorm, SquaredNorms.of(v, off, dimension));
        compactIfSparse();
        return replaced;
    }

    /** Removes the point {@code id}; false when there is none. */
    public boolean delete(String id) {
        boolean removed = removeSlot(id);
        compactIfSparse();
        return removed;
    }

    /**
     * An upper bound on the squared norm of every live point: the largest ever upserted since the
     * last compaction, which recomputes it.
     */
    public double maxSquaredNorm() {
        return maxSquaredNorm;
    }

    private boolean removeSlot(String id) {
        Integer slot = slotById.remove(id);
        if (slot == null) {
            return false;
        }
        block.tombstone(slot);
        ids[slot] = null;
        return true;
    }

    private void compactIfSparse() {
        if (block.slotCount() - block.liveCount() <= block.liveCount() + COMPACT_SLACK) {
            return;
        }
        int[] moved = block.compact();
        int dimension = block.dimension();
        maxSquaredNorm = 0;
        for (int slot = 0; slot < moved.length; slot++) {
            int to = moved[slot];
            if (to < 0) {
                continue;
            }
            if (to != slot) {
                System.arraycopy(rows, slot * dimension, rows, to * dimension, dimension);
                ids[to] = ids[slot];
                slotById.put(ids[to], to);
            }
            maxSquaredNorm =
                    Math.max(maxSquaredNorm, SquaredNorms.of(rows, to * dimension, dimension));
        }
        Arrays.fill(ids, block.slotCount(), moved.length, null);
    }

    @Override
    public int dimension() {
        return block.dimension();
    }

    @Override
    public int slotCount() {
        return block.slotCount();
    }

    @Override
    public int size() {
        return block.liveCount();
    }

    @Override
    public float[] coordinates() {
        return rows;
    }

    @Override
    public boolean isLive(int slot) {
        return block.isLive(slot);
    }

    @Override
    public String id(int slot) {
        return isLive(slot) ? ids[slot] : null;
    }

    /** Closes the block; the kernel stays the caller's. */
    @Override
    public void close() {
        block.close();
    }
}
