package dev.quiver.walk;

/**
 * The plain-Java {@link WalkSimulator}: paths one after another on the calling thread, with a fast
 * path for the fair +-1 walk.
 *
 * <p>Fair +-1 walk ({@code p = 1/2}): each Philox block gives 128 steps as two 64-bit words. With
 * {@link WalkSpec.Track#FINAL} a word's displacement is {@code 2 bitCount(w) - 64}; with {@link
 * WalkSpec.Track#PATH} its eight bytes go through the per-byte prefix tables of {@link LatticePath}
 * (maximum, passage, return and steps above, a few table reads per eight steps). Other lattice
 * walks read one 32-bit word per step and compare it with the model's thresholds; real-valued walks
 * draw ziggurat normals (and gammas for Student-t). The cost is about {@code steps * paths / 128}
 * Philox blocks on the fast path and {@code steps * paths / 4} elsewhere.
 *
 * <p>Not thread-safe: it owns its scratch (a stream, two path trackers, 512 bytes of words).
 *
 * <pre>{@code
 * JavaWalkSimulator simulator = new JavaWalkSimulator();
 * WalkSpec spec = new WalkSpec(WalkModel.gaussian(0.1, 1.0), 250, 2000, 5.0, WalkSpec.Track.PATH);
 * WalkResult[] out = {new WalkResult()};
 * simulator.simulate(spec, 1L, new long[] {WalkStream.keyHash("k")}, new long[] {0L},
 *         new double[] {0.0}, 1, out);
 * double hit = out[0].hitProbability();
 * }</pre>
 */
public final class JavaWalkSimulator implements WalkSimulator {

    private static final int CHUNK_WORDS = 2 * WalkStream.CHUNK_BLOCKS;

    private final WalkStream stream = new WalkStream();
    private final long[] words = new long[CHUNK_WORDS];
    private final LatticePath lattice = new LatticePath();
    private final ContinuousPath continuous = new ContinuousPath();

    @Override
    public void simulate(
            WalkSpec spec,
            long seed,
            long[] keyHashes,
            long[] sequences,
            double[] starts,
            int count,
            WalkResult[] out) {
        if (count < 0
                || keyHashes.length < count
                || sequences.length < count
                || starts.length < count
                || out.length < count) {
            throw new IllegalArgumentException(
                    "every array must hold count = " + count + " simulations");
        }
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(starts[i])) {
                throw new IllegalArgumentException(
                        "start of simulation " + i + " must be finite, got " + starts[i]);
            }
        }
        for (int i = 0; i < count; i++) {
            simulateOne(spec, seed, keyHashes[i], sequences[i], starts[i], out[i]);
        }
    }

    private void simulateOne(
            WalkSpec spec, long seed, long keyHash, long sequence, double start, WalkResult out) {
        out.reset(spec, seed, keyHash, sequence, start);
        long streamKey = WalkStream.streamKey(seed, keyHash);
        WalkModel model = spec.model();
        boolean path = spec.track() == WalkSpec.Track.PATH;
        int n = spec.steps();
        for (int p = 0; p < spec.paths(); p++) {
            stream.reset(streamKey, sequence, p, n);
            if (model.isFair()) {
                if (path) {
                    fairPath(spec);
                    out.addPath(lattice);
                } else {
                    out.addFinal(fairFinal(n));
                }
            } else if (model.isLattice()) {
                if (path) {
                    latticePath(spec);
                    out.addPath(lattice);
                } else {
                    out.addFinal(latticeFinal(model, n));
                }
            } else {
                continuousPath(spec, path);
                if (path) {
                    out.addPath(continuous);
                } else {
                    out.addFinal(continuous.position);
                }
            }
        }
        out.finish();
    }

    private int fairFinal(int n) {
        int fullWords = n >>> 6;
        int rest = n & 63;
        int totalWords = fullWords + (rest > 0 ? 1 : 0);
        int ones = 0;
        for (int first = 0; first < totalWords; first += CHUNK_WORDS) {
            int chunk = Math.min(CHUNK_WORDS, totalWords - first);
            stream.fillWords(words, first, chunk);
            int full = Math.min(chunk, fullWords - first);
            for (int w = 0; w < full; w++) {
                ones += Long.bitCount(words[w]);
            }
            if (full < chunk) {
                ones += Long.bitCount(words[full] & ((1L << rest) - 1));
            }
        }
        return 2 * ones - n;
    }

    private void fairPath(WalkSpec spec) {
        int n = spec.steps();
        lattice.reset(spec.hasBarrier() ? (int) spec.barrier() : 0);
        int fullWords = n >>> 6;
        int rest = n & 63;
        int totalWords = fullWords + (rest > 0 ? 1 : 0);
        for (int first = 0; first < totalWords; first += CHUNK_WORDS) {
            int chunk = Math.min(CHUNK_WORDS, totalWords - first);
            stream.fillWords(words, first, chunk);
            int full = Math.min(chunk, fullWords - first);
            lattice.words(words, full);
            if (full < chunk) {
                long last = words[full];
                lattice.bytes(last, rest >>> 3);
                for (int b = rest & ~7; b < rest; b++) {
                    lattice.step((int) ((last >>> b) & 1) * 2 - 1);
                }
            }
        }
    }

    private int latticeFinal(WalkModel model, int n) {
        long stay = model.stayThreshold();
        long up = model.upThreshold();
        int position = 0;
        for (int t = 0; t < n; t++) {
            position += latticeStep(stream.nextInt() & 0xFFFFFFFFL, stay, up);
        }
        return position;
    }

    private void latticePath(WalkSpec spec) {
        WalkModel model = spec.model();
        long stay = model.stayThreshold();
        long up = model.upThreshold();
        lattice.reset(spec.hasBarrier() ? (int) spec.barrier() : 0);
        for (int t = 0; t < spec.steps(); t++) {
            lattice.step(latticeStep(stream.nextInt() & 0xFFFFFFFFL, stay, up));
        }
    }

    private static int latticeStep(long u, long stay, long up) {
        return u < stay ? 0 : u < up ? 1 : -1;
    }

    private void continuousPath(WalkSpec spec, boolean path) {
        WalkModel model = spec.model();
        continuous.reset(spec.barrier());
        double location = model.location();
        double scale = model.scale();
        int n = spec.steps();
        if (model.kind() == WalkModel.Kind.GAUSSIAN) {
            if (!path) {
                double position = 0;
                for (int t = 0; t < n; t++) {
                    position += location + scale * Ziggurat.normal(stream);
                }
                continuous.position = position;
                return;
            }
            for (int t = 0; t < n; t++) {
                continuous.step(location + scale * Ziggurat.normal(stream));
            }
            return;
        }
        double halfDof = model.dof() / 2;
        for (int t = 0; t < n; t++) {
            double z = Ziggurat.normal(stream);
            double chiOverDof = Ziggurat.gamma(stream, halfDof) / halfDof;
            double step = location + scale * z / Math.sqrt(chiOverDof);
            if (path) {
                continuous.step(step);
            } else {
                continuous.position += step;
            }
        }
    }
}
