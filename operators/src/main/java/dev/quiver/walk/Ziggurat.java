package dev.quiver.walk;

/**
 * Standard normal and gamma deviates from a {@link WalkStream}, deterministic in the stream.
 *
 * <p>Normals: the ziggurat method of G. Marsaglia and W. W. Tsang, "The ziggurat method for
 * generating random variables", <i>Journal of Statistical Software</i> 5(8), 2000, with their 128
 * layers ({@code r = 3.442619855899}, layer area {@code v = 9.91256303526217e-3}) and their tail
 * and wedge tests. One 32-bit word gives the layer (its low 7 bits) and a signed 25-bit abscissa
 * (its high 25 bits); unlike their 32-bit version, the layer bits are not reused in the abscissa,
 * which is the dependence J. A. Doornik ("An improved ziggurat method to generate normal random
 * samples", 2005) showed fails tests. About 98.8% of draws take one word, a multiply and a compare;
 * the rest read further uniforms. The abscissa has 2^-24 of its layer's width as resolution, far
 * below anything a walk statistic resolves.
 *
 * <p>Gammas: G. Marsaglia and W. W. Tsang, "A simple method for generating gamma variables", <i>ACM
 * TOMS</i> 26(3), 2000, for shape {@code a >= 1}, and {@code Gamma(a) = Gamma(a + 1) U^(1/a)}
 * below.
 */
final class Ziggurat {

    private static final int LAYERS = 128;
    private static final double R = 3.442619855899;
    private static final double V = 9.91256303526217e-3;

    /** Abscissa scale: the high 25 bits as a signed integer span [-2^24, 2^24). */
    private static final double M = 0x1p24;

    /**
     * Per layer {@code i}, side by side so the fast path reads one cache line: at {@code 2i} the
     * bound {@code K_i} (an integer, held as a double): accept {@code |j| < K_i} at once, the part
     * of layer i under the next layer's edge; at {@code 2i + 1} the width {@code W_i}: {@code x = j
     * W_i}.
     */
    private static final double[] KW = new double[2 * LAYERS];

    /** f(x_i) = exp(-x_i^2 / 2) at each layer's right edge. */
    private static final double[] F = new double[LAYERS];

    static {
        // Marsaglia and Tsang's zigset, with m1 = 2^24 for the 25-bit signed abscissa.
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

    /** A standard normal deviate. */
    static double normal(WalkStream stream) {
        int bits = stream.nextInt();
        double z = fast(bits);
        return z == z ? z : normalSlow(stream, bits);
    }

    /**
     * The normal of one word when it falls in the fast region (about 98.8% of words), else NaN. The
     * low 7 bits pick the layer, the high 25 the signed abscissa {@code j}; the comparison in
     * doubles is exact, both sides being integers below 2^25.
     */
    private static double fast(int bits) {
        int layer = (bits & (LAYERS - 1)) << 1;
        double j = bits >> 7;
        return Math.abs(j) < KW[layer] ? j * KW[layer + 1] : Double.NaN;
    }

    /**
     * The sum over {@code count} steps of {@code location + scale * normal(stream)}, added in step
     * order: bit for bit the value of that loop, but the fast path reads the stream's buffer
     * directly, two words per 64-bit read, with no call per step (JMH:
     * RandomWalkBenchmark.gaussianFinalPosition).
     */
    static double sumOfSteps(WalkStream stream, int count, double location, double scale) {
        double sum = 0;
        int done = 0;
        while (done < count) {
            stream.ensureBuffered();
            long[] buffer = stream.buffer();
            int start = stream.position();
            int end = start + Math.min(stream.buffered(), count - done);
            int at = start;
            int slowBits = 0;
            boolean slow = false;
            if ((at & 1) != 0) {
                // The high half of a word whose low half an earlier call read.
                slowBits = (int) (buffer[at >>> 1] >>> 32);
                at++;
                double z = fast(slowBits);
                slow = z != z;
                if (!slow) {
                    sum += location + scale * z;
                }
            }
            // Whole words, the fast test written out: this loop is the Gaussian walk's time.
            int pairsEnd = slow ? at : end & ~1;
            for (int w = at >>> 1; 2 * w < pairsEnd; w++) {
                long pair = buffer[w];
                int low = (int) pair;
                int layer = (low & (LAYERS - 1)) << 1;
                double j = low >> 7;
                if (!(Math.abs(j) < KW[layer])) {
                    slowBits = low;
                    slow = true;
                    at = 2 * w + 1;
                    break;
                }
                sum += location + scale * (j * KW[layer + 1]);
                int high = (int) (pair >>> 32);
                layer = (high & (LAYERS - 1)) << 1;
                j = high >> 7;
                if (!(Math.abs(j) < KW[layer])) {
                    slowBits = high;
                    slow = true;
                    at = 2 * w + 2;
                    break;
                }
                sum += location + scale * (j * KW[layer + 1]);
                at = 2 * w + 2;
            }
            if (!slow && at < end) {
                // The low half of the last word wanted.
                slowBits = (int) buffer[at >>> 1];
                at++;
                double z = fast(slowBits);
                slow = z != z;
                if (!slow) {
                    sum += location + scale * z;
                }
            }
            done += at - start;
            stream.seek(at);
            if (slow) {
                sum += location + scale * normalSlow(stream, slowBits);
            }
        }
        return sum;
    }

    /** The rest of Marsaglia and Tsang's method for a word outside the fast region. */
    private static double normalSlow(WalkStream stream, int bits) {
        int layer = bits & (LAYERS - 1);
        int j = bits >> 7;
        while (true) {
            double x = j * KW[2 * layer + 1];
            if (layer == 0) {
                double tail;
                double y;
                do {
                    tail = -Math.log(stream.nextOpenDouble()) / R;
                    y = -Math.log(stream.nextOpenDouble());
                } while (y + y < tail * tail);
                return j > 0 ? R + tail : -R - tail;
            }
            if (F[layer] + stream.nextDouble() * (F[layer - 1] - F[layer])
                    < Math.exp(-0.5 * x * x)) {
                return x;
            }
            bits = stream.nextInt();
            double z = fast(bits);
            if (z == z) {
                return z;
            }
            layer = bits & (LAYERS - 1);
            j = bits >> 7;
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
