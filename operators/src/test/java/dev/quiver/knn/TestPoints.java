package dev.quiver.knn;

import dev.quiver.compute.SquaredL2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A {@link PointSet} over arrays the test fills, with a naive oracle: sort every live point by
 * ({@link SquaredL2#distance}, id) and cut.
 */
final class TestPoints implements PointSet {

    private final int dimension;
    private final float[] coordinates;
    private final boolean[] live;
    private final String[] ids;

    TestPoints(int dimension, float[] coordinates, boolean[] live, String[] ids) {
        this.dimension = dimension;
        this.coordinates = coordinates;
        this.live = live;
        this.ids = ids;
    }

    /** All slots live, ids "p0", "p1", ... */
    static TestPoints allLive(int dimension, float... coordinates) {
        int count = coordinates.length / dimension;
        boolean[] live = new boolean[count];
        Arrays.fill(live, true);
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = "p" + i;
        }
        return new TestPoints(dimension, coordinates, live, ids);
    }

    /**
     * Random points with everything that makes ranking hard: coordinates on a coarse grid (equal
     * distances), about a quarter of the points duplicated, every seventh slot and slots [100, 160)
     * dead (holding NaN, which must never be read as a point), and ids in an order unrelated to
     * slots.
     */
    static TestPoints tricky(long seed, int count, int dimension, float offset, float scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] coordinates = new float[count * dimension];
        boolean[] live = new boolean[count];
        String[] ids = new String[count];
        int[] order = shuffledRange(random, count);
        for (int slot = 0; slot < count; slot++) {
            live[slot] = slot % 7 != 3 && (slot < 100 || slot >= 160);
            ids[slot] = String.format("id-%06d", order[slot]);
            int base = slot * dimension;
            if (slot > 0 && random.nextInt(4) == 0) {
                int copy = random.nextInt(slot);
                System.arraycopy(coordinates, copy * dimension, coordinates, base, dimension);
            } else {
                for (int k = 0; k < dimension; k++) {
                    coordinates[base + k] = offset + scale * random.nextInt(5);
                }
            }
        }
        for (int slot = 0; slot < count; slot++) {
            if (!live[slot]) {
                Arrays.fill(coordinates, slot * dimension, (slot + 1) * dimension, Float.NaN);
            }
        }
        return new TestPoints(dimension, coordinates, live, ids);
    }

    /** Queries drawn like {@link #tricky} coordinates plus some continuous jitter. */
    static float[] queries(long seed, int count, int dimension, float offset, float scale) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] queries = new float[count * dimension];
        for (int i = 0; i < queries.length; i++) {
            double jitter = i % 3 == 0 ? random.nextDouble() : 0;
            queries[i] = (float) (offset + scale * (random.nextInt(5) + jitter));
        }
        return queries;
    }

    static int[] shuffledRange(SplittableRandom random, int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    /** The oracle: every live point with its direct distance, sorted by (distance, id). */
    List<Neighbor> sortedNeighbors(float[] queries, int query) {
        List<Neighbor> all = new ArrayList<>();
        for (int slot = 0; slot < slotCount(); slot++) {
            if (live[slot]) {
                float sqDist =
                        SquaredL2.distance(
                                queries,
                                query * dimension,
                                coordinates,
                                slot * dimension,
                                dimension);
                all.add(new Neighbor(slot, sqDist));
            }
        }
        all.sort(
                Comparator.comparingDouble(Neighbor::sqDist)
                        .thenComparing(neighbor -> ids[neighbor.slot()]));
        return all;
    }

    static List<Neighbor> contents(NeighborBuffer buffer) {
        List<Neighbor> neighbors = new ArrayList<>();
        for (int i = 0; i < buffer.size(); i++) {
            neighbors.add(new Neighbor(buffer.slot(i), buffer.distance(i)));
        }
        return neighbors;
    }

    record Neighbor(int slot, float sqDist) {}

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int slotCount() {
        return live.length;
    }

    @Override
    public int size() {
        int size = 0;
        for (boolean isLive : live) {
            size += isLive ? 1 : 0;
        }
        return size;
    }

    @Override
    public float[] coordinates() {
        return coordinates;
    }

    @Override
    public boolean isLive(int slot) {
        return live[slot];
    }

    @Override
    public String id(int slot) {
        return ids[slot];
    }
}
