package dev.quiver.walk;

/**
 * The statistics of one lattice path as it is walked: position, running maximum, first passage to
 * the barrier, first return to 0 and steps above 0. {@link #step(int)} takes one step and is the
 * definition; {@link #bytes(long[], int, int)} takes eight +-1 steps at a time from the bits of
 * words through per-byte prefix tables, and must agree with eight calls of {@code step} exactly.
 *
 * <p>Per-byte tables, for the eight steps of byte {@code v} (bit {@code t - 1} is step {@code t}, 1
 * meaning +1) with prefix sums {@code s_0 = 0, s_1, ..., s_8}:
 *
 * <ul>
 *   <li>{@code DISPLACEMENT = s_8}, {@code HIGH = max s_t} and {@code LOW = min s_t} over {@code t
 *       = 1..8}, packed as signed bytes into one int, {@code PACKED[v]};
 *   <li>{@code FIRST[17 v + h + 8]}: the first {@code t >= 1} with {@code s_t = h}, 0 if none;
 *   <li>{@code ABOVE[17 v + c + 8]}: how many {@code t} have {@code 2c + s_(t-1) + s_t > 0}, for a
 *       byte that starts at level {@code c} clamped to [-8, 8] (from 8 up all eight steps are
 *       above, from -8 down none).
 * </ul>
 *
 * Since +-1 steps visit every level between their minimum and maximum, a byte starting at {@code
 * pos} reaches level {@code L} iff {@code LOW <= L - pos <= HIGH}, and {@code FIRST} says when.
 */
final class LatticePath {

    /** Marks "not reached yet" for passage and return times. */
    static final int NOT_YET = 0;

    /** Marks "not tracked" for the passage time of a walk without a barrier. */
    static final int UNTRACKED = -1;

    /** DISPLACEMENT, HIGH and LOW of a byte in bits 0-7, 8-15 and 16-23: one load for three. */
    private static final int[] PACKED = new int[256];

    static final byte[] FIRST = new byte[256 * 17];
    static final byte[] ABOVE = new byte[256 * 17];

    static {
        for (int v = 0; v < 256; v++) {
            int[] s = new int[9];
            for (int t = 1; t <= 8; t++) {
                s[t] = s[t - 1] + (((v >>> (t - 1)) & 1) == 1 ? 1 : -1);
            }
            int high = Integer.MIN_VALUE;
            int low = Integer.MAX_VALUE;
            for (int t = 1; t <= 8; t++) {
                high = Math.max(high, s[t]);
                low = Math.min(low, s[t]);
                if (FIRST[17 * v + s[t] + 8] == 0) {
                    FIRST[17 * v + s[t] + 8] = (byte) t;
                }
            }
            PACKED[v] = (s[8] & 0xFF) | (high & 0xFF) << 8 | (low & 0xFF) << 16;
            for (int c = -8; c <= 8; c++) {
                int above = 0;
                for (int t = 1; t <= 8; t++) {
                    if (2 * c + s[t - 1] + s[t] > 0) {
                        above++;
                    }
                }
                ABOVE[17 * v + c + 8] = (byte) above;
            }
        }
    }

    int position;
    int maximum;

    /** First t with S_t = barrier, NOT_YET, or UNTRACKED. */
    int passage;

    /** First t >= 1 with S_t = 0, or NOT_YET. */
    int firstReturn;

    /** Steps t with S_(t-1) + S_t > 0. */
    int above;

    int time;
    private int barrier;

    /** Starts a path at 0; {@code barrier} 0 means none. */
    void reset(int barrier) {
        this.barrier = barrier;
        position = 0;
        maximum = 0;
        passage = barrier == 0 ? UNTRACKED : NOT_YET;
        firstReturn = NOT_YET;
        above = 0;
        time = 0;
    }

    /** One step of {@code delta} (-1, 0 or +1): the definition of every statistic. */
    void step(int delta) {
        int previous = position;
        position += delta;
        time++;
        if (position > maximum) {
            maximum = position;
        }
        if (passage == NOT_YET && position == barrier) {
            passage = time;
        }
        if (firstReturn == NOT_YET && position == 0) {
            firstReturn = time;
        }
        if (previous + position > 0) {
            above++;
        }
    }

    /**
     * The first {@code byteCount} bytes of {@code words[offset ..]} as 8 {@code byteCount} +-1
     * steps, each word's least significant byte first: the same as {@code step} on each bit. Whole
     * words and the bytes of a last, partial word go through one loop, which keeps the path state
     * in registers across words; the fast path spends all its time here (JMH:
     * RandomWalkBenchmark.fairPathStatistics).
     */
    void bytes(long[] words, int offset, int byteCount) {
        int pos = position;
        int max = maximum;
        int pass = passage;
        int ret = firstReturn;
        int abv = above;
        int t = time;
        for (int w = offset, left = byteCount; left > 0; w++, left -= 8) {
            long word = words[w];
            int bytesOfWord = Math.min(8, left);
            for (int b = 0; b < bytesOfWord; b++) {
                int v = (int) (word >>> (b << 3)) & 0xFF;
                int packed = PACKED[v];
                int high = (byte) (packed >>> 8);
                int low = (byte) (packed >>> 16);
                max = Math.max(max, pos + high);
                if (pass == NOT_YET) {
                    int h = barrier - pos;
                    if (h >= low && h <= high) {
                        pass = t + FIRST[17 * v + h + 8];
                    }
                }
                if (ret == NOT_YET && -pos >= low && -pos <= high) {
                    ret = t + FIRST[17 * v - pos + 8];
                }
                abv += ABOVE[17 * v + Math.max(-8, Math.min(8, pos)) + 8];
                pos += (byte) packed;
                t += 8;
            }
        }
        position = pos;
        maximum = max;
        passage = pass;
        firstReturn = ret;
        above = abv;
        time = t;
    }
}
