package dev.quiver.walk;

import dev.quiver.compute.WalkBatch;

import java.util.ArrayList;
import java.util.List;

/** Test helpers: one simulation, and everything a result reports, for equality checks. */
public final class Simulations {

    private Simulations() {}

    public static WalkResult simulate(WalkSpec spec, long seed, String key, long sequence, double start) {
        return simulate(new JavaWalkSimulator(), spec, seed, key, sequence, start);
    }

    /** One simulation by {@code simulator}, into a fresh result. */
    public static WalkResult simulate(
            JavaWalkSimulator simulator,
            WalkSpec spec,
            long seed,
            String key,
            long sequence,
            double start) {
        WalkResult result = new WalkResult();
        simulator.simulate(
                spec,
                new WalkBatch(
                        seed,
                        new long[] {WalkStream.keyHash(key)},
                        new long[] {sequence},
                        new double[] {start},
                        1),
                new WalkResult[] {result});
        return result;
    }

    /** Every value a result reports, doubles as raw bits, so equal lists mean bit-identical. */
    public static List<Long> fingerprint(WalkResult r) {
        List<Long> values = new ArrayList<>();
        WalkSpec spec = r.spec();
        values.add(Double.doubleToRawLongBits(r.mean()));
        values.add(Double.doubleToRawLongBits(r.variance()));
        for (double probability : WalkExact.QUANTILE_PROBABILITIES) {
            values.add(Double.doubleToRawLongBits(r.quantile(probability)));
        }
        for (int i = 0; i < r.binCount(); i++) {
            values.add(Double.doubleToRawLongBits(r.binLevel(i)));
            values.add(r.binPaths(i));
        }
        if (spec.track() == WalkSpec.Track.PATH) {
            values.add(Double.doubleToRawLongBits(r.maximumMean()));
            for (double probability : WalkExact.QUANTILE_PROBABILITIES) {
                values.add(Double.doubleToRawLongBits(r.maximumQuantile(probability)));
            }
            values.add(Double.doubleToRawLongBits(r.hitProbability()));
            values.add(Double.doubleToRawLongBits(r.returnProbability()));
            values.add(Double.doubleToRawLongBits(r.meanFractionAbove()));
            for (int t = 0; t <= spec.steps(); t++) {
                values.add(r.returnCount(t));
                values.add(r.aboveCount(t));
                if (spec.hasBarrier()) {
                    values.add(r.passageCount(t));
                }
                if (spec.model().isLattice()) {
                    values.add(r.maximumCount(t));
                }
            }
        }
        return values;
    }
}
