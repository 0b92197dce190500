package dev.quiver.walk;

import dev.quiver.compute.BackendCounters;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;
import dev.quiver.compute.cuda.CudaBackendProvider;
import dev.quiver.compute.cuda.CudaWalkPaths;

/**
 * The {@code cuda} backend's walks: the paths on the GPU ({@link CudaWalkPaths}, the Java kernels'
 * numbers path for path), reduced on the host by {@link WalkResult} exactly as {@link
 * JavaWalkSimulator} reduces them, paths in path order, so the tallies are the CPU's bit for bit.
 * (A reduction on the device would copy less back; it must then keep this order.)
 *
 * <p>On the device: the fair walk (final positions or path statistics), the final positions of
 * lazy and biased lattice walks and of Gaussian and Student-t walks. Path statistics of the other
 * laws run on {@link JavaWalkKernel}, whole batches at a time. Simulations go to the device in
 * chunks of at most {@value #CHUNK_VALUES} per-path values, whatever the law's memory budget (which
 * still decides, as on the CPU, whether a real-valued walk is reduced in passes).
 *
 * <pre>{@code
 * try (WalkKernel walks = new CudaWalkKernel(CudaWalkPaths.open(0))) {
 *     walks.simulate(law, batch, tallies); // java's bits
 * }
 * }</pre>
 */
public final class CudaWalkKernel implements WalkKernel, BackendCounters {

    /** Per-path values of one chunk of simulations: 64 MiB of ints, 128 MiB of doubles. */
    static final int CHUNK_VALUES = 1 << 24;

    private final CudaWalkPaths paths;
    private final JavaWalkKernel java = new JavaWalkKernel();
    // Scratch of the host reduction: one simulation's result, one path, a chunk's per-path values.
    private final WalkResult result = new WalkResult();
    private final LatticePath lattice = new LatticePath();
    private int[] lattices = {};
    private double[] reals = {};
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
        if (path && !model.isFair()) {
            java.simulate(law, batch, out);
            return;
        }
        long seed = batch.seed();
        long[] keyHashes = batch.keyHashes();
        long[] sequences = batch.sequences();
        int count = batch.count();
        boolean inPasses = WalkMemory.runsInPasses(spec, law.maxMemoryBytes());
        int width = path ? CudaWalkPaths.PATH_WIDTH : 1;
        int m = spec.paths();
        int chunk = (int) Math.max(1, Math.min(count, CHUNK_VALUES / ((long) width * m)));
        double[] probabilities = out.quantileProbabilities();
        out.reset(count);
        long[] chunkKeys = new long[chunk];
        long[] chunkSequences = new long[chunk];
        for (int first = 0; first < count; first += chunk) {
            int n = Math.min(chunk, count - first);
            System.arraycopy(keyHashes, first, chunkKeys, 0, n);
            System.arraycopy(sequences, first, chunkSequences, 0, n);
            onDevice(spec, seed, chunkKeys, chunkSequences, n);
            for (int j = 0; j < n; j++) {
                int i = first + j;
                result.reset(spec, seed, keyHashes[i], sequences[i], batch.starts()[i], inPasses);
                do {
                    addPaths(spec, j);
                } while (result.nextPass());
                result.finish();
                JavaWalkKernel.copy(result, probabilities, i, out);
            }
        }
    }

    /** Runs the paths of {@code n} simulations into {@link #lattices} or {@link #reals}. */
    private void onDevice(WalkSpec spec, long seed, long[] keys, long[] sequences, int n) {
        WalkModel model = spec.model();
        int steps = spec.steps();
        int m = spec.paths();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        int values = n * m * (path ? CudaWalkPaths.PATH_WIDTH : 1);
        if (!model.isLattice()) {
            if (reals.length < values) {
                reals = new double[values];
            }
            double dof = model.kind() == WalkModel.Kind.STUDENT_T ? model.dof() : Double.NaN;
            paths.continuousFinal(
                    seed, keys, sequences, n, steps, model.location(), model.scale(), dof, m,
                    reals);
            return;
        }
        if (lattices.length < values) {
            lattices = new int[values];
        }
        if (!model.isFair()) {
            paths.latticeFinal(
                    seed, keys, sequences, n, steps, model.stayThreshold(), model.upThreshold(), m,
                    lattices);
        } else if (path) {
            int barrier = spec.hasBarrier() ? (int) spec.barrier() : 0;
            paths.fairPath(seed, keys, sequences, n, steps, barrier, m, lattices);
        } else {
            paths.fairFinal(seed, keys, sequences, n, steps, m, lattices);
        }
    }

    /** Simulation {@code j}'s paths of the last chunk into {@link #result}, in path order. */
    private void addPaths(WalkSpec spec, int j) {
        int m = spec.paths();
        if (!spec.model().isLattice()) {
            for (int p = 0; p < m; p++) {
                result.addFinal(reals[j * m + p]);
            }
        } else if (spec.track() == WalkSpec.Track.PATH) {
            int width = CudaWalkPaths.PATH_WIDTH;
            for (int p = 0; p < m; p++) {
                int at = (j * m + p) * width;
                lattice.position = lattices[at];
                lattice.maximum = lattices[at + 1];
                lattice.passage = lattices[at + 2];
                lattice.firstReturn = lattices[at + 3];
                lattice.above = lattices[at + 4];
                result.addPath(lattice);
            }
        } else {
            for (int p = 0; p < m; p++) {
                result.addFinal(lattices[j * m + p]);
            }
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
