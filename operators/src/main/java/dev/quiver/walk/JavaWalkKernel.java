package dev.quiver.walk;

import dev.quiver.compute.PlainJavaProvider;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;

/**
 * The {@code java} backend's walks: {@link JavaWalkSimulator} behind the primitive {@link
 * WalkKernel} interface, so every statistic is the simulator's, bit for bit. The law is converted
 * to a {@link WalkSpec} once per distinct law and the simulator rebuilt only when the memory budget
 * changes; each simulation runs into one reused {@link WalkResult} and is copied into the tallies.
 * Not thread-safe.
 *
 * <pre>{@code
 * try (WalkKernel walks = new JavaWalkKernel()) {
 *     WalkTallies out = new WalkTallies(new double[] {0.5});
 *     walks.simulate(WalkLaws.of(spec, Long.MAX_VALUE), batch, out);
 * }
 * }</pre>
 */
public final class JavaWalkKernel implements WalkKernel {

    /** The backend name this kernel reports. */
    public static final String BACKEND = PlainJavaProvider.NAME;

    private final WalkResult result = new WalkResult();
    private JavaWalkSimulator simulator;
    private long simulatorBudget;
    private WalkLaw lastLaw;
    private WalkSpec lastSpec;

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public void simulate(WalkLaw law, WalkBatch batch, WalkTallies out) {
        WalkSpec spec = specOf(law);
        JavaWalkSimulator sim = simulatorFor(law.maxMemoryBytes());
        double[] probabilities = out.quantileProbabilities();
        out.reset(batch.count());
        for (int i = 0; i < batch.count(); i++) {
            sim.simulateOne(spec, batch, i, result);
            copy(result, probabilities, i, out);
        }
    }

    /** Copies a finished simulation into entry {@code i} of the tallies (the CUDA kernel too). */
    static void copy(WalkResult r, double[] probabilities, int i, WalkTallies out) {
        out.setMoments(i, r.mean(), r.variance());
        for (int j = 0; j < probabilities.length; j++) {
            out.setQuantile(i, j, r.quantile(probabilities[j]));
        }
        out.setPathStatistics(
                i,
                r.hits(),
                r.hitProbability(),
                r.maximumMean(),
                r.returnProbability(),
                r.meanFractionAbove());
        for (int b = 0; b < r.binCount(); b++) {
            out.addBin(i, r.binLevel(b), r.binPaths(b));
        }
    }

    private WalkSpec specOf(WalkLaw law) {
        if (!law.equals(lastLaw)) {
            lastSpec = WalkLaws.spec(law);
            lastLaw = law;
        }
        return lastSpec;
    }

    private JavaWalkSimulator simulatorFor(long maxMemoryBytes) {
        if (simulator == null || simulatorBudget != maxMemoryBytes) {
            simulator = new JavaWalkSimulator(maxMemoryBytes);
            simulatorBudget = maxMemoryBytes;
        }
        return simulator;
    }

    @Override
    public void close() {
        // Nothing to release: the kernel holds only Java scratch.
    }
}
