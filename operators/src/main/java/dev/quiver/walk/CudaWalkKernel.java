package dev.quiver.walk;

import dev.quiver.compute.BackendCounters;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;
import dev.quiver.compute.cuda.CudaBackendProvider;
import dev.quiver.compute.cuda.CudaWalkPaths;

/**
 * The {@code cuda} backend's walks: a batch's simulations run on the GPU together ({@link
 * CudaWalkPaths}: one launch over every (simulation, path), the Java kernels' numbers path for
 * path, then one reduction launch, a thread a simulation, that computes the statistics with {@link
 * WalkResult}'s arithmetic in its order), so the tallies are the CPU's bit for bit and only they
 * come back.
 *
 * <p>On the device: every law, final positions or path statistics (fair, lazy and biased lattice
 * walks; Gaussian and Student-t walks). On {@link JavaWalkKernel}, whole batches at a time:
 * real-valued walks whose memory budget makes the CPU reduce them in passes (which report only
 * some quantiles; the device would hold every final and answer any).
 *
 * <pre>{@code
 * try (WalkKernel walks = new CudaWalkKernel(CudaWalkPaths.open(0))) {
 *     walks.simulate(law, batch, tallies); // java's bits
 * }
 * }</pre>
 */
public final class CudaWalkKernel implements WalkKernel, BackendCounters {

    private final CudaWalkPaths paths;
    private final JavaWalkKernel java = new JavaWalkKernel();
    private WalkLaw lastLaw;
    private WalkSpec lastSpec;

    /** Walks on the device of {@code paths}, which this kernel closes. */
    public CudaWalkKernel(CudaWalkPaths paths) {
        this.paths = paths;
    }

    @Override
    public String backend() {
        return CudaBackendProvider.NAME;
    }

    @Override
    public long deviceMemoryBytes() {
        return paths.deviceMemoryBytes();
    }

    @Override
    public void simulate(WalkLaw law, WalkBatch batch, WalkTallies out) {
        WalkSpec spec = specOf(law);
        WalkModel model = spec.model();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        if (WalkMemory.runsInPasses(spec, law.maxMemoryBytes())) {
            java.simulate(law, batch, out);
            return;
        }
        // WalkBatch checked the lengths and that every start is finite when it was built.
        long seed = batch.seed();
        long[] keyHashes = batch.keyHashes();
        long[] sequences = batch.sequences();
        double[] starts = batch.starts();
        int count = batch.count();
        double[] probabilities = out.quantileProbabilities();
        long[] ranks = new long[probabilities.length];
        for (int j = 0; j < ranks.length; j++) {
            ranks[j] = WalkResult.rank(probabilities[j], spec.paths());
        }
        CudaWalkPaths.Shape shape = new CudaWalkPaths.Shape(
                spec.steps(), spec.paths(), ranks, path, spec.hasBarrier(), spec.barrier());
        out.reset(count);
        if (!model.isLattice()) {
            double dof = model.kind() == WalkModel.Kind.STUDENT_T ? model.dof() : Double.NaN;
            paths.continuous(seed, keyHashes, sequences, starts, 0, count, shape,
                    model.location(), model.scale(), dof, out);
        } else if (model.isFair()) {
            paths.fair(seed, keyHashes, sequences, starts, 0, count, shape, out);
        } else {
            paths.lattice(seed, keyHashes, sequences, starts, 0, count, shape,
                    model.stayThreshold(), model.upThreshold(), out);
        }
    }

    private WalkSpec specOf(WalkLaw law) {
        if (!law.equals(lastLaw)) {
            lastSpec = WalkLaws.spec(law);
            lastLaw = law;
        }
        return lastSpec;
    }

    @Override
    public void close() {
        paths.close();
        java.close();
    }
}
