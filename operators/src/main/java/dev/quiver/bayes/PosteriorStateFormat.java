package dev.quiver.bayes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one class that knows the byte layout of persisted posterior state.
 *
 * <p>State is a preamble followed by the model's payload. All multi-byte values are little-endian;
 * doubles are IEEE 754 binary64. Family {@link #BETA_BERNOULLI} (40 bytes), serial version 1 (read
 * only) and 2 (written; the same layout, but the counts are weights: any finite value {@code >= 0},
 * fractional after forgetting):
 *
 * <pre>
 *  Byte offset | 0        | 1      | 2        | 3     | 4 .. 7
 * -------------+----------+--------+----------+-------+----------------------
 *            0 | preLongs | serVer | familyId | flags | configHash (int32)
 *            8 | priorAlpha (double)
 *           16 | priorBeta  (double)
 *           24 | successes  (double; version 1: a whole number in [0, 2^53])
 *           32 | failures   (double; version 1: a whole number in [0, 2^53])
 * </pre>
 *
 * <ul>
 *   <li>{@code preLongs}: the preamble size in 8-byte words (1); the payload starts at {@code 8 *
 *       preLongs}.
 *   <li>{@code serVer}: the serial version, {@link #SERIAL_VERSION_1} or {@link #SERIAL_VERSION_2}.
 *   <li>{@code familyId}: which model the payload belongs to, {@link #BETA_BERNOULLI}.
 *   <li>{@code flags}: versions 1 and 2 define none; written as 0, they must read as 0.
 *   <li>{@code configHash}: {@code Long.hashCode(31 * doubleToLongBits(priorAlpha) +
 *       doubleToLongBits(priorBeta))}, so states with different hashes can be told apart as
 *       unmergeable from the preamble alone, and a damaged prior does not pass silently.
 * </ul>
 *
 * <p>The other families ({@link #BETA_BINOMIAL} to {@link #CHANGE_POINT}) use the same preamble
 * (serial version 2 is their first) with {@code configHash = configHash(prior and configuration
 * doubles)}, written by {@code StateWriter} and read, with the same checks, by {@code StateReader};
 * each model's class documents its payload.
 *
 * <p>Bytes 0, 1 and 2 keep these meanings in every serial version, so any reader can find the
 * version and family. A shipped layout is never edited: a change gets a new {@code
 * SERIAL_VERSION_*}, readers keep every version ever shipped, and writers write only {@link
 * #CURRENT_SERIAL_VERSION}. Reading checks length, family, version, preamble size, flags, hash and
 * value ranges, and throws {@link IllegalArgumentException} on any mismatch: {@code "Corrupted:
 * ..."}, or {@code "Serial version N not recognized, this reader knows 1, 2"}.
 *
 * <pre>{@code
 * byte[] state = BetaBernoulliPosterior.withPrior(1.0, 1.0).toBytes();
 * int length = state.length;    // 40
 * int serialVersion = state[1]; // PosteriorStateFormat.CURRENT_SERIAL_VERSION
 * int familyId = state[2];      // PosteriorStateFormat.BETA_BERNOULLI
 * BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(state);
 * }</pre>
 */
public final class PosteriorStateFormat {

    /** The first serial version: one preamble long, then the model's doubles. */
    public static final int SERIAL_VERSION_1 = 1;

    /**
     * The second serial version: same Beta-Bernoulli layout, but counts may be any finite weight
     * {@code >= 0} (forgetting makes them fractional); the first version of every other family.
     */
    public static final int SERIAL_VERSION_2 = 2;

    /** The version every writer writes. */
    public static final int CURRENT_SERIAL_VERSION = SERIAL_VERSION_2;

    /** Family id of {@link BetaBernoulliPosterior} state. */
    public static final int BETA_BERNOULLI = 1;

    /** Family id of Beta-Binomial state. */
    public static final int BETA_BINOMIAL = 2;

    /** Family id of Gamma-Poisson state. */
    public static final int GAMMA_POISSON = 3;

    /** Family id of Normal-Inverse-Gamma state. */
    public static final int NORMAL_INVERSE_GAMMA = 4;

    /** Family id of Dirichlet-Multinomial state. */
    public static final int DIRICHLET_MULTINOMIAL = 5;

    /** Family id of Bayesian linear regression state. */
    public static final int LINEAR_REGRESSION = 6;

    /** Family id of change-point detector state. */
    public static final int CHANGE_POINT = 7;

    /** Listed in the unknown-version message so an operator sees what this build can restore. */
    private static final String KNOWN_SERIAL_VERSIONS = "1, 2";

    static final int PRE_LONGS_BYTE = 0;
    static final int SER_VER_BYTE = 1;
    static final int FAMILY_BYTE = 2;
    static final int FLAGS_BYTE = 3;
    static final int CONFIG_HASH_INT = 4;

    /** Every version's preamble is at least this long, enough to read bytes 0 to 7. */
    static final int MIN_PREAMBLE_BYTES = 8;

    static final int V1_PRE_LONGS = 1;
    static final int V1_BETA_BERNOULLI_BYTES = 8 * V1_PRE_LONGS + 4 * Double.BYTES;

    private static final double MAX_EXACT_COUNT = 0x1p53;

    private PosteriorStateFormat() {}

    /** Writes Beta-Bernoulli state with {@link #CURRENT_SERIAL_VERSION}. */
    static byte[] writeBetaBernoulli(
            double priorAlpha, double priorBeta, double successes, double failures) {
        return new StateWriter(
                        BETA_BERNOULLI,
                        CURRENT_SERIAL_VERSION,
                        betaBernoulliConfigHash(priorAlpha, priorBeta))
                .putDouble(priorAlpha)
                .putDouble(priorBeta)
                .putDouble(successes)
                .putDouble(failures)
                .toBytes();
    }

    /**
     * Reads Beta-Bernoulli state of any known serial version.
     *
     * @throws IllegalArgumentException if the bytes are corrupted, of another family or of an
     *     unknown serial version
     */
    static BetaBernoulliPosterior readBetaBernoulli(byte[] bytes) {
        StateReader.checkLengthAndFamily(bytes, BETA_BERNOULLI, BetaBernoulliPosterior.MODEL);
        final int serialVersion = Byte.toUnsignedInt(bytes[SER_VER_BYTE]);
        switch (serialVersion) {
            case SERIAL_VERSION_1:
                return readBetaBernoulliV1(bytes);
            case SERIAL_VERSION_2:
                return readBetaBernoulliV2(bytes);
            default:
                throw new IllegalArgumentException(
                        "Serial version "
                                + serialVersion
                                + " not recognized, this reader knows "
                                + KNOWN_SERIAL_VERSIONS);
        }
    }

    private static BetaBernoulliPosterior readBetaBernoulliV1(byte[] bytes) {
        final int preLongs = Byte.toUnsignedInt(bytes[PRE_LONGS_BYTE]);
        if (preLongs != V1_PRE_LONGS) {
            throw new IllegalArgumentException(
                    "Corrupted: preamble longs "
                            + preLongs
                            + ", serial version "
                            + SERIAL_VERSION_1
                            + " has "
                            + V1_PRE_LONGS);
        }
        if (bytes.length != V1_BETA_BERNOULLI_BYTES) {
            throw new IllegalArgumentException(
                    "Corrupted: state has "
                            + bytes.length
                            + " bytes, serial version "
                            + SERIAL_VERSION_1
                            + " "
                            + BetaBernoulliPosterior.MODEL
                            + " needs "
                            + V1_BETA_BERNOULLI_BYTES);
        }
        final int flags = Byte.toUnsignedInt(bytes[FLAGS_BYTE]);
        if (flags != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            "Corrupted: flags 0x%02x, serial version %d defines none",
                            flags, SERIAL_VERSION_1));
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        final int storedHash = buffer.getInt(CONFIG_HASH_INT);
        final double priorAlpha = buffer.getDouble(8 * V1_PRE_LONGS);
        final double priorBeta = buffer.getDouble(8 * V1_PRE_LONGS + 8);
        final double successes = buffer.getDouble(8 * V1_PRE_LONGS + 16);
        final double failures = buffer.getDouble(8 * V1_PRE_LONGS + 24);
        checkPrior("alpha", priorAlpha);
        checkPrior("beta", priorBeta);
        final int expectedHash = betaBernoulliConfigHash(priorAlpha, priorBeta);
        if (storedHash != expectedHash) {
            throw new IllegalArgumentException(
                    String.format(
                            "Corrupted: config hash 0x%08x, but prior Beta(%s, %s) hashes to"
                                    + " 0x%08x",
                            storedHash, priorAlpha, priorBeta, expectedHash));
        }
        checkCount("successes", successes);
        checkCount("failures", failures);
        return BetaBernoulliPosterior.restore(priorAlpha, priorBeta, successes, failures);
    }

    private static BetaBernoulliPosterior readBetaBernoulliV2(byte[] bytes) {
        final StateReader reader =
                StateReader.open(
                        bytes, BETA_BERNOULLI, BetaBernoulliPosterior.MODEL, SERIAL_VERSION_2);
        final double priorAlpha = reader.positiveDouble("prior alpha");
        final double priorBeta = reader.positiveDouble("prior beta");
        reader.checkConfigHash(betaBernoulliConfigHash(priorAlpha, priorBeta));
        final double successes = reader.nonNegativeDouble("successes");
        final double failures = reader.nonNegativeDouble("failures");
        reader.finish();
        return BetaBernoulliPosterior.restore(priorAlpha, priorBeta, successes, failures);
    }

    /**
     * The config hash of a Beta-Bernoulli prior. Part of serial version 1: never change it, add a
     * serial version instead.
     */
    static int betaBernoulliConfigHash(double priorAlpha, double priorBeta) {
        return Long.hashCode(
                31L * Double.doubleToLongBits(priorAlpha) + Double.doubleToLongBits(priorBeta));
    }

    /**
     * The config hash of the families other than {@link #BETA_BERNOULLI}: a hash of the prior's
     * (and configuration's) doubles in order. Part of their serial formats: never change it.
     */
    static int configHash(double... config) {
        long hash = 1;
        for (double value : config) {
            hash = 31L * hash + Double.doubleToLongBits(value);
        }
        return Long.hashCode(hash);
    }

    private static void checkPrior(String name, double value) {
        if (!(Double.isFinite(value) && value > 0.0)) {
            throw new IllegalArgumentException(
                    "Corrupted: prior " + name + " " + value + " is not finite and > 0");
        }
    }

    private static void checkCount(String name, double value) {
        if (!(value >= 0.0 && value <= MAX_EXACT_COUNT && value == Math.rint(value))) {
            throw new IllegalArgumentException(
                    "Corrupted: " + name + " " + value + " is not a whole number in [0, 2^53]");
        }
    }
}
