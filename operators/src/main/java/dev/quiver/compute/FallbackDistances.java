package dev.quiver.compute;

/**
 * A device's distances with the {@code java} backend's behind them. Every block it opens is a
 * {@link MirroredBlock}: the device block plus a {@code java} block holding the same rows on the
 * heap, changed in step, so that a {@link #nearest} that fails on the device ({@link
 * BackendFailureException}) is answered from the mirror for that batch. A device block that fails
 * to change is dropped, and its block is answered from the mirror from then on (each such call
 * counted as a fallback). Arguments are checked here, before either kernel sees them. {@link
 * #errorBound} is the larger of the two kernels', since a batch may come from either. Closing it
 * closes the device part only: the registry owns the fallback.
 *
 * <pre>{@code
 * DistanceKernel distances = new FallbackDistances(cudaDistances, javaDistances);
 * distances.nearest(queries, block, 10, outDistances, outSlots); // the mirror's if the GPU fails
 * long fellBack = ((BackendCounters) distances).fallbacks();
 * }</pre>
 */
public final class FallbackDistances extends CheckedDistances implements CountedFallback {

    private final DistanceKernel primary;
    private final DistanceKernel fallback;
    private final FallbackCount count;

    /** Distances on {@code primary}, re-run on {@code fallback} when the device fails. */
    public FallbackDistances(DistanceKernel primary, DistanceKernel fallback) {
        super(primary.backend());
        this.primary = primary;
        this.fallback = fallback;
        this.count = new FallbackCount(primary.backend() + " distances", primary);
    }

    @Override
    public FallbackCount count() {
        return count;
    }

    @Override
    protected void computeSquaredDistances(RowBlock queries, RowBlock points, int d, float[] out) {
        count.run(
                () -> primary.squaredDistances(queries, points, d, out),
                () -> fallback.squaredDistances(queries, points, d, out));
    }

    @Override
    public double errorBound(int dimension) {
        return Math.max(primary.errorBound(dimension), fallback.errorBound(dimension));
    }

    @Override
    protected SlotBlock newBlock(int dimension) {
        PointBlock mirror = fallback.openPointBlock(dimension);
        PointBlock onDevice = null;
        try {
            onDevice = primary.openPointBlock(dimension);
        } catch (BackendFailureException e) {
            count.fellBack(e);
        }
        return new MirroredBlock(dimension, this, onDevice, mirror);
    }

    @Override
    protected void computeNearest(
            RowBlock queries, SlotBlock block, int k, float[] outDistances, int[] outSlots) {
        MirroredBlock own = (MirroredBlock) block;
        PointBlock onDevice = own.onDevice();
        if (onDevice == null) {
            count.ranOnFallback();
            fallback.nearest(queries, own.mirror(), k, outDistances, outSlots);
            return;
        }
        count.run(
                () -> primary.nearest(queries, onDevice, k, outDistances, outSlots),
                () -> fallback.nearest(queries, own.mirror(), k, outDistances, outSlots));
    }

    @Override
    protected void release() {
        primary.close();
    }
}
