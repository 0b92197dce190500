package dev.quiver.bench.gpu;

import dev.quiver.compute.WalkTallies;

/**
 * Compares two {@link WalkTallies} field by field, every double by its bits ({@link
 * Double#doubleToLongBits}, so that any two NaNs match), and names the first difference.
 */
final class TallyComparison {

    private TallyComparison() {}

    /** The first field that differs, as "mean[3]: 0.25 vs 0.2500001"; null when none does. */
    static String firstDifference(WalkTallies a, WalkTallies b, int quantiles) {
        if (a.count() != b.count()) {
            return "count: " + a.count() + " vs " + b.count();
        }
        for (int i = 0; i < a.count(); i++) {
            String found = firstDifference(a, b, quantiles, i);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String firstDifference(WalkTallies a, WalkTallies b, int quantiles, int i) {
        String found = differ("mean", i, a.mean(i), b.mean(i));
        found = found != null ? found : differ("variance", i, a.variance(i), b.variance(i));
        for (int j = 0; found == null && j < quantiles; j++) {
            found = differ("quantile " + j + " of simulation", i, a.quantile(i, j), b.quantile(i, j));
        }
        found = found != null ? found : differ("maximumMean", i, a.maximumMean(i), b.maximumMean(i));
        found = found != null ? found
                : differ("hitProbability", i, a.hitProbability(i), b.hitProbability(i));
        found = found != null ? found
                : differ("returnProbability", i, a.returnProbability(i), b.returnProbability(i));
        found = found != null ? found
                : differ("meanFractionAbove", i, a.meanFractionAbove(i), b.meanFractionAbove(i));
        if (found == null && a.hits(i) != b.hits(i)) {
            found = "hits[" + i + "]: " + a.hits(i) + " vs " + b.hits(i);
        }
        if (found == null && a.binCount(i) != b.binCount(i)) {
            found = "binCount[" + i + "]: " + a.binCount(i) + " vs " + b.binCount(i);
        }
        for (int bin = 0; found == null && bin < a.binCount(i); bin++) {
            found = differ("binLevel " + bin + " of simulation", i, a.binLevel(i, bin),
                    b.binLevel(i, bin));
            if (found == null && a.binPaths(i, bin) != b.binPaths(i, bin)) {
                found = "binPaths[" + i + "][" + bin + "]: " + a.binPaths(i, bin) + " vs "
                        + b.binPaths(i, bin);
            }
        }
        return found;
    }

    private static String differ(String field, int i, double a, double b) {
        if (Double.doubleToLongBits(a) == Double.doubleToLongBits(b)) {
            return null;
        }
        return field + "[" + i + "]: " + a + " vs " + b;
    }
}
