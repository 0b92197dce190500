package dev.quiver.knn;

import dev.quiver.compute.NearestHeap;

/**
 * Read access to a set of indexed points stored in one flat, slot-major {@code float[]}: the
 * adaptor through which search paths (the kd-tree, the batched brute force) read points without
 * owning their layout. Slots may be dead (deleted and not yet reclaimed, or never filled); readers
 * skip them. Its {@link #slotAfter} ranks points at equal distance by id, the tie order every
 * search hands the shared {@link NearestHeap}.
 *
 * <pre>{@code
 * float[] coords = points.coordinates();
 * for (int slot = 0; slot < points.slotCount(); slot++) {
 *     if (points.isLive(slot)) {
 *         float x0 = coords[slot * points.dimension()];
 *     }
 * }
 * }</pre>
 */
public interface PointSet extends NearestHeap.Ties {

    /** Components per point. */
    int dimension();

    /** Slots in use, live or dead: slots {@code [0, slotCount())} are valid in the arrays. */
    int slotCount();

    /** Live points. */
    int size();

    /**
     * The coordinates, slot-major: point {@code s} is {@code [s * dimension(), (s + 1) *
     * dimension())}. The array is the store itself, not a copy: read only, and only until the next
     * mutation. Vectors are already normalised where the metric needs it.
     */
    float[] coordinates();

    /** True when {@code slot} holds a live point. */
    boolean isLive(int slot);

    /**
     * The id of the live point in {@code slot}, or null when the slot holds none; ties in distance
     * are broken by this id.
     */
    String id(int slot);

    /** Ranks by id: {@code slotA} after {@code slotB} when its id is larger (ids are unique). */
    @Override
    default boolean slotAfter(int slotA, int slotB) {
        return id(slotA).compareTo(id(slotB)) > 0;
    }
}
