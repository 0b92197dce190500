package dev.quiver.bayes;

/**
 * Remembers the credible-interval quantiles of a law by the exact bits of its shape parameters,
 * so that posteriors of the same shapes (every Beta-Bernoulli key after the same counts, every
 * Normal key after the same number of observations) invert the CDF once, not once per result.
 * A result per observation spends most of its arithmetic in those inversions (about 1 to 4 µs
 * each), and their inputs repeat: a Beta's (alpha, beta) are the prior plus whole counts, a
 * Normal-Inverse-Gamma's alpha is the prior's plus n / 2.
 *
 * <p>The quantiles are a pure function of the shapes, and a hit returns exactly what the function
 * returned for the same bits, so a summary is the same whether it hit or missed. The table is
 * direct-mapped and shared by every thread of the JVM: each slot holds an immutable entry (final
 * fields publish it safely), a racing write only replaces one valid entry by another, and a
 * collision only costs a recomputation.
 *
 * <pre>{@code
 * QuantileMemo memo = new QuantileMemo((a, b) -> new double[] {
 *         BetaQuantile.quantile(a, b, 0.025), BetaQuantile.quantile(a, b, 0.975)});
 * double[] interval = memo.of(8.0, 4.0);   // never modify the array
 * }</pre>
 */
final class QuantileMemo {

    /** The quantiles to remember for shapes {@code a} and {@code b}: a pure function. */
    @FunctionalInterface
    interface Quantiles {
        double[] of(double a, double b);
    }

    /** 2^13 = 8,192 slots, of a few dozen bytes each when full. */
    private static final int SLOT_BITS = 13;

    private record Entry(long a, long b, double[] quantiles) {}

    private final Quantiles quantiles;
    private final Entry[] slots = new Entry[1 << SLOT_BITS];

    QuantileMemo(Quantiles quantiles) {
        this.quantiles = quantiles;
    }

    /**
     * The quantiles for shapes {@code a} and {@code b}, computed on the first call for their bits
     * (and again after a collision evicted them); the caller must not modify the array.
     */
    double[] of(double a, double b) {
        final long aBits = Double.doubleToRawLongBits(a);
        final long bBits = Double.doubleToRawLongBits(b);
        final int slot = slot(aBits, bBits);
        final Entry entry = slots[slot];
        if (entry != null && entry.a == aBits && entry.b == bBits) {
            return entry.quantiles;
        }
        final double[] computed = quantiles.of(a, b);
        slots[slot] = new Entry(aBits, bBits, computed);
        return computed;
    }

    /**
     * A slot from both shapes' bits, mixed so that nearby counts (whose bits differ in the high
     * mantissa bits only) spread over the table: the top bits of a multiplicative hash.
     */
    private static int slot(long aBits, long bBits) {
        long h = (aBits ^ (bBits >>> 29) ^ (bBits << 35)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h >>> (64 - SLOT_BITS));
    }
}
