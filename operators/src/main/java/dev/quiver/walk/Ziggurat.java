package dev.quiver.walk;

/**
 * Standard normal and gamma deviates from a {@link WalkStream}, deterministic in the stream.
 *
 * <p>Normals: the ziggurat method of G. Marsaglia and W. W. Tsang, "The ziggurat method for
 * generating random variables", <i>Journal of Statistical Software</i> 5(8), 2000, with their tail
 * and wedge tests and their table set-up, but 512 layers: {@code r = 3.852046150368391} and layer
 * area {@code v = 2.456766351541357e-3}, found by bisection on {@code r} until the top layer's area
 * is {@code v} like the others (ZigguratTest checks that every layer's is). One 32-bit word gives
 * the layer (its low 9 bits) and a signed 23-bit abscissa (its high 23 bits, plus one half so that
 * the law is symmetric); unlike their 32-bit version, the layer bits are not reused in the
 * abscissa, which is the dependence J. A. Doornik ("An improved ziggurat method to generate normal
 * random samples", 2005) showed fails tests. The abscissa's resolution is 2^-22 of its layer's
 * width, under 1e-6 on the normal's scale: a few units in the last place of a {@code float}, far
 * below anything a walk statistic resolves.
 *
 * <p>99.2% of words take the fast path: a table read, a multiply and a compare. The rest (the top
 * layer, the layers' edges and the tail) finish with Marsaglia and Tsang's 32-bit uniforms drawn
 * from the stream's side stream ({@link WalkStream#nextSideInt()}), so a normal takes exactly one
 * word of the stream itself. The layers are a trade of table size for speed: a slow draw costs some
 * 40 ns (an exponential or logarithms, side-stream blocks, mispredicted branches), and 128, 256 and
 * 512 layers send 2.8%, 1.5% and 0.8% of words there; 512 layers' tables, 12 KiB, still sit in the
 * L1 cache beside the generator's lanes (JMH: RandomWalkBenchmark.gaussianFinalPosition, about 15%
 * faster than 256 layers).
 *
 * <p>Gammas: G. Marsaglia and W. W. Tsang, "A simple method for generating gamma variables", <i>ACM
 * TOMS</i> 26(3), 2000, for shape {@code a >= 1}, and {@code Gamma(a) = Gamma(a + 1) U^(1/a)}
 * below.
 */
final class Ziggurat {

    private static final int LAYER_BITS = 9;
    static final int LAYERS = 1 << LAYER_BITS;
    static final double R = 3.852046150368391;
    static final double V = 2.456766351541357e-3;

    /** Abscissa scale: the high 23 bits as a signed integer span [-2^22, 2^22). */
    static final double M = 0x1p22;

    /**
     * Per layer {@code i}, side by side so the fast path reads one cache line: at {@code 2i} the
     * bound {@code K_i} (an integer, held as a double): accept {@code |j| < K_i} at once, the part
     * of layer i under the next layer's edge; at {@code 2i + 1} the width {@code W_i}: {@code x = j
     * W_i}.
     */
    static final double[] KW = new double[2 * LAYERS];

    /** f(x_i) = exp(-x_i^2 / 2) at each layer's right edge. */
    static final double[] F = new double[LAYERS];

    static {
        // Marsaglia and Tsang's zigset, with m1 = 2^22 for the 23-bit signed abscissa.
        double dn = R;
        double tn = dn;
        double q = V / Math.exp(-0.5 * dn * dn);
        KW[0] = (int) ((dn / q) * M);
        KW[2] = 0;
        KW[1] = q / M;
        KW[2 * LAYERS - 1] = dn / M;
        F[0] = 1.0;
        F[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
        for (int i = LAYERS - 2; i >= 1; i--) {
            dn = Math.sqrt(-2.0 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
            KW[2 * (i + 1)] = (int) ((dn / tn) * M);
            tn = dn;
            F[i] = Math.exp(-0.5 * dn * dn);
            KW[2 * i + 1] = dn / M;
        }
    }

    private Ziggurat() {}

    /**
     * A standard normal deviate from the next word of {@code stream}, and from its side stream when
     * the word falls outside the fast region.
     */
    static double normal(WalkStream stream) {
        return normal(stream.nextInt(), stream);
    }

    /**
     * The signed abscissa of a word, its high bits as an integer plus one half: the midpoints of
     * 2^23 equal cells, symmetric about 0, where Marsaglia and Tsang's integer has mean -1/2 (a
     * drift of about 2e-7 a step).
     */
    private static double abscissa(int bits) {
        return (bits >> LAYER_BITS) + 0.5;
    }

    /**
     * The normal of one word when it falls in the fast region, else NaN. The low 9 bits pick the
     * layer, the high 23 the signed abscissa {@code j}; the comparison in doubles is exact, both
     * sides being multiples of 1/2 below 2^23.
     */
    static double fast(int bits) {
        int layer = (bits & (LAYERS - 1)) << 1;
        double j = abscissa(bits);
        return Math.abs(j) < KW[layer] ? j * KW[layer + 1] : Double.NaN;
    }

    /**
     * Adds to {@code sum}, in step order, {@code location + scale * z} for the normals {@code z} of
     * steps {@code 0 .. steps - 1}, where step {@code t} reads word {@code t & 3} of block {@code
     * firstLane + t / 4} in the generator's lanes ({@link WalkStream#computePaths}) and {@code
     * slow}'s side stream for its slow draws: bit for bit the sum of that loop over {@link
     * #normal}, for {@code slow} reset to the path the lanes hold, with no call per step (JMH:
     * RandomWalkBenchmark.gaussianFinalPosition).
     */
    static double addSteps(
            double sum,
            Philox4x32 lanes,
            int firstLane,
            int steps,
            double location,
            double scale,
            WalkStream slow) {
        int[] x0 = lanes.lane(0);
        int[] x1 = lanes.lane(1);
        int[] x2 = lanes.lane(2);
        int[] x3 = lanes.lane(3);
        int wholeBlocksEnd = firstLane + (steps >>> 2);
        for (int i = firstLane; i < wholeBlocksEnd; i++) {
            sum += location + scale * normal(x0[i], slow);
            sum += location + scale * normal(x1[i], slow);
            sum += location + scale * normal(x2[i], slow);
            sum += location + scale * normal(x3[i], slow);
        }
        int rest = steps & 3;
        if (rest > 0) {
            sum += location + scale * normal(x0[wholeBlocksEnd], slow);
        }
        if (rest > 1) {
            sum += location + scale * normal(x1[wholeBlocksEnd], slow);
        }
        if (rest > 2) {
            sum += location + scale * normal(x2[wholeBlocksEnd], slow);
        }
        return sum;
    }

    /**
     * The normal of one stream word, the slow draws from {@code slow}'s side stream. The fast test
     * is {@link #fast}'s, written out: calling it and testing for NaN made the Gaussian walk about
     * 5% slower.
     */
    private static double normal(int bits, WalkStream slow) {
        int layer = (bits & (LAYERS - 1)) << 1;
        double j = abscissa(bits);
        return Math.abs(j) < KW[layer] ? j * KW[layer + 1] : normalSlow(slow, bits);
    }

    /**
     * The rest of Marsaglia and Tsang's method for a word outside the fast region, every further
     * draw from the side stream: their 32-bit uniforms, a new word after a rejected wedge.
     */
    private static double normalSlow(WalkStream stream, int bits) {
        int layer = bits & (LAYERS - 1);
        double j = abscissa(bits);
        while (true) {
            double x = j * KW[2 * layer + 1];
            if (layer == 0) {
                double tail;
                double y;
                do {
                    tail = -Math.log(stream.nextSideOpenUniform()) / R;
                    y = -Math.log(stream.nextSideOpenUniform());
                } while (y + y < tail * tail);
                return j > 0 ? R + tail : -R - tail;
            }
            if (F[layer] + stream.nextSideOpenUniform() * (F[layer - 1] - F[layer])
                    < Math.exp(-0.5 * x * x)) {
                return x;
            }
            bits = stream.nextSideInt();
            double z = fast(bits);
            if (z == z) {
                return z;
            }
            layer = bits & (LAYERS - 1);
            j = abscissa(bits);
        }
    }

    /** A Gamma(shape, 1) deviate, {@code shape > 0}. */
    static double gamma(WalkStream stream, double shape) {
        if (shape < 1) {
            double boosted = gamma(stream, shape + 1);
            return boosted * Math.pow(stream.nextOpenDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = normal(stream);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = stream.nextOpenDouble();
            double x2 = x * x;
            if (u < 1 - 0.0331 * x2 * x2 || Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
