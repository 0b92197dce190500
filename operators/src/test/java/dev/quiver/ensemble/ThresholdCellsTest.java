package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * {@link ThresholdCells} against a plain count of the thresholds at most each value, for spreads
 * that give a grid of one step (evenly spread), several steps (bunched), and one cell (a range too
 * wide for a float), with values on, just beside and far outside the thresholds.
 */
class ThresholdCellsTest {

    @ParameterizedTest
    @ValueSource(strings = {"even", "bunched", "outlier", "extremes", "single", "mixedSigns"})
    void countsTheThresholdsAtMostEachValue(String spread) {
        SplittableRandom random = new SplittableRandom(spread.hashCode());
        float[][] perFeature = new float[4][];
        for (int f = 0; f < perFeature.length; f++) {
            perFeature[f] = thresholds(spread, random);
        }
        ThresholdCells cells = new ThresholdCells(perFeature);
        int features = perFeature.length;
        for (int block = 0; block < 20; block++) {
            int count = 1 + random.nextInt(64);
            float[] rows = new float[3 + count * features];
            int at = 3;
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < features; f++) {
                    rows[at + r * features + f] = value(perFeature[f], random);
                }
            }
            int[] keys = new int[count * features];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = ForestWalker.orderKey(rows[at + i]);
            }
            for (int f = 0; f < features; f++) {
                long[] buckets = new long[perFeature[f].length + 1];
                cells.file(rows, at + f, keys, f, features, count, f, buckets);
                for (int r = 0; r < count; r++) {
                    float x = rows[at + r * features + f];
                    int expected = 0;
                    for (float t : perFeature[f]) {
                        expected += x >= t ? 1 : 0;
                    }
                    assertThat(buckets[expected] >>> r & 1)
                            .as("feature %d, value %s, %d thresholds at most it", f, x, expected)
                            .isEqualTo(1L);
                }
                long all = 0;
                for (long bucket : buckets) {
                    assertThat(all & bucket).as("a row filed twice").isZero();
                    all |= bucket;
                }
                assertThat(all).isEqualTo(count == 64 ? -1L : (1L << count) - 1);
            }
        }
    }

    /** Distinct, ascending, -0 merged into +0, as {@link SplitMasks} hands them over. */
    private static float[] thresholds(String spread, SplittableRandom random) {
        TreeSet<Float> set = new TreeSet<>();
        int m = 1 + random.nextInt(300);
        for (int i = 0; i < m; i++) {
            float t =
                    switch (spread) {
                        case "even" -> (1 + random.nextInt(255)) / 256f;
                        case "bunched" -> 1f + random.nextInt(40) * 1e-6f;
                        case "outlier" -> i == 0 ? 3e38f : (float) random.nextDouble();
                        case "extremes" ->
                                i < 2 ? (i == 0 ? -3e38f : 3e38f) : (float) random.nextGaussian();
                        case "single" -> 0.5f;
                        default ->
                                (float)
                                        (random.nextGaussian()
                                                * Math.pow(10, random.nextInt(-40, 5)));
                    };
            set.add(t + 0.0f);
        }
        if (spread.equals("extremes")) {
            set.add(Float.NEGATIVE_INFINITY);
            set.add(0f);
            set.add(Float.MIN_VALUE);
        }
        float[] t = new float[set.size()];
        int i = 0;
        for (float v : set) {
            t[i++] = v;
        }
        Arrays.sort(t);
        return t;
    }

    /** A threshold, a neighbour of one, a signed zero, an infinity, or anything. */
    private static float value(float[] thresholds, SplittableRandom random) {
        float t = thresholds[random.nextInt(thresholds.length)];
        return switch (random.nextInt(8)) {
            case 0 -> t;
            case 1 -> Math.nextUp(t);
            case 2 -> Math.nextDown(t);
            case 3 -> random.nextBoolean() ? -0.0f : 0.0f;
            case 4 -> random.nextBoolean() ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            case 5 -> random.nextBoolean() ? Float.MIN_VALUE : -Float.MIN_VALUE;
            case 6 -> (float) (random.nextGaussian() * 1e30);
            default -> (float) random.nextDouble(-2, 2);
        };
    }
}
