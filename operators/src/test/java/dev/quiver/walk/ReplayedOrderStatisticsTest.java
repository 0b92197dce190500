package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The selection by passes against its definition: the rank's element of the values sorted by
 * {@link Arrays#sort(double[])}, bit for bit, on data that exercises every way it ends (a gather
 * after one pass, after two, and all four digits for a value repeated past the gather limit).
 */
class ReplayedOrderStatisticsTest {

    private static final long SEED = 20_261_207L;

    @Test
    void everyRankIsTheSortedElementBitForBit() {
        SplittableRandom random = new SplittableRandom(SEED);
        int size = 300_000;
        double[] normal = new double[size];
        double[] atoms = new double[size];
        double[] signedZeros = new double[size];
        double[] wide = new double[size];
        for (int i = 0; i < size; i++) {
            double z = gaussian(random);
            normal[i] = z;
            // Half the values exactly 0, as the running maximum of a one-step walk: the bucket of 0
            // never gets small, so its rank needs all four digits.
            atoms[i] = Math.max(0, z);
            signedZeros[i] = i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : z * 1e-300;
            wide[i] = Math.scalb(z, random.nextInt(-1000, 1000));
        }
        double[] small = Arrays.copyOf(normal, 1000);
        for (double[] values : new double[][] {normal, atoms, signedZeros, wide, small}) {
            assertSelectsTheSortedElements(values);
        }
    }

    @Test
    void passesEndByTheFourthAndAfterOneGatherWhenFewValuesShareADigit() {
        double[] few = new double[ReplayedOrderStatistics.GATHER_LIMIT];
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int i = 0; i < few.length; i++) {
            few[i] = gaussian(random);
        }
        // At most the gather limit in all: the first pass's bucket is small, the second gathers.
        assertThat(passes(few, new long[] {1, few.length / 2, few.length})).isEqualTo(2);

        double[] constant = new double[3 * ReplayedOrderStatistics.GATHER_LIMIT];
        Arrays.fill(constant, 2.5);
        assertThat(passes(constant, new long[] {1, constant.length})).isEqualTo(4);
    }

    private static void assertSelectsTheSortedElements(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = values.length;
        long[] ranks = new long[WalkExact.QUANTILE_PROBABILITIES.size() + 3];
        ranks[0] = 1;
        for (int i = 0; i < WalkExact.QUANTILE_PROBABILITIES.size(); i++) {
            ranks[i + 1] = WalkResult.rank(WalkExact.QUANTILE_PROBABILITIES.get(i), m);
        }
        ranks[ranks.length - 2] = m - 1;
        ranks[ranks.length - 1] = m;
        Arrays.sort(ranks);
        ReplayedOrderStatistics selection = select(values, ranks);
        for (int t = 0; t < ranks.length; t++) {
            assertThat(Double.doubleToRawLongBits(selection.value(t)))
                    .as("rank %d of %d", ranks[t], m)
                    .isEqualTo(Double.doubleToRawLongBits(sorted[(int) ranks[t] - 1]));
        }
    }

    private static ReplayedOrderStatistics select(double[] values, long[] ranks) {
        ReplayedOrderStatistics selection = new ReplayedOrderStatistics();
        selection.reset(ranks);
        assertThat(runPasses(selection, values)).as("passes").isBetween(2, 4);
        return selection;
    }

    private static int passes(double[] values, long[] ranks) {
        ReplayedOrderStatistics selection = new ReplayedOrderStatistics();
        selection.reset(ranks);
        return runPasses(selection, values);
    }

    /** Passes over {@code values} until every rank is found (at most five, then a failure). */
    private static int runPasses(ReplayedOrderStatistics selection, double[] values) {
        for (int passes = 1; passes <= 5; passes++) {
            for (double value : values) {
                selection.add(value);
            }
            if (selection.endPass()) {
                return passes;
            }
        }
        throw new AssertionError("no selection needs more than four passes");
    }

    @Test
    void sortableKeysOrderAsDoubleCompareAndInvert() {
        double[] values = {
            Double.NEGATIVE_INFINITY, -Double.MAX_VALUE, -1.5, -Double.MIN_VALUE, -0.0, 0.0,
            Double.MIN_VALUE, 1e-300, 1.5, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN
        };
        for (int i = 0; i < values.length; i++) {
            long key = ReplayedOrderStatistics.sortableKey(values[i]);
            assertThat(Double.doubleToRawLongBits(ReplayedOrderStatistics.fromSortableKey(key)))
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
            if (i > 0) {
                assertThat(
                                Long.compareUnsigned(
                                        ReplayedOrderStatistics.sortableKey(values[i - 1]), key))
                        .as("%s before %s", values[i - 1], values[i])
                        .isNegative();
            }
        }
    }

    /** A standard normal by Box-Muller: any continuous law serves, this one is simple. */
    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
