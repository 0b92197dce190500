package dev.quiver.compute;

/**
 * The coordinates of a batch of walk simulations: simulation {@code i}, for {@code i < count},
 * walks from {@code starts[i]} with the random stream of ({@code seed}, {@code keyHashes[i]},
 * {@code sequences[i]}). The arrays may be longer than {@code count} (reused scratch); entries past
 * it are ignored. Built once per call, it is checked once, for every walk capability and simulator
 * that takes it. The arrays are shared, not copied: fill them before building the batch and leave
 * them alone while it is simulated.
 *
 * <pre>{@code
 * WalkBatch batch = new WalkBatch(42L, new long[] {7L}, new long[] {0L}, new double[] {10.0}, 1);
 * walks.simulate(law, batch, tallies);
 * }</pre>
 *
 * @param seed the job's seed, shared by every simulation of the batch
 * @param keyHashes simulation {@code i}'s key hash at index {@code i}
 * @param sequences simulation {@code i}'s sequence number at index {@code i}
 * @param starts simulation {@code i}'s finite start at index {@code i}
 * @param count how many simulations, from index 0
 */
public record WalkBatch(
        long seed, long[] keyHashes, long[] sequences, double[] starts, int count) {

    /**
     * @throws IllegalArgumentException if {@code count} is negative, an array holds fewer than
     *     {@code count} entries, or one of the first {@code count} starts is not finite
     */
    public WalkBatch {
        checkCount(count, keyHashes.length, sequences.length, starts.length);
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(starts[i])) {
                throw new IllegalArgumentException(
                        "start of simulation " + i + " must be finite, got " + starts[i]);
            }
        }
    }

    /**
     * Checks that an output of {@code length} entries holds the batch's {@code count} simulations,
     * with the message of the batch's own arrays.
     *
     * @throws IllegalArgumentException if it does not
     */
    public void checkOutput(int length) {
        checkCount(count, length);
    }

    private static void checkCount(int count, int... lengths) {
        boolean fits = count >= 0;
        for (int length : lengths) {
            fits &= length >= count;
        }
        if (!fits) {
            throw new IllegalArgumentException(
                    "every array must hold count = " + count + " simulations");
        }
    }
}
