package dev.quiver.walk;

import java.nio.charset.StandardCharsets;

/**
 * The random numbers of one simulated path: a read position in the Philox4x32-10 stream that the
 * coordinates (job seed, key, event sequence number, path index) select, so a replay, any
 * parallelism and any other implementation of the same layout give the same numbers.
 *
 * <p>Layout, for Philox key {@code (k0, k1)} and counter {@code (c0, c1, c2, c3)}:
 *
 * <pre>
 *   key hash   h   = FNV-1a 64 of the key string's UTF-8 bytes        ({@link #keyHash})
 *   stream key K   = mix64(h ^ mix64(seed)); k0 = low 32 bits, k1 = high  ({@link #streamKey})
 *   c0 = step block b (0, 1, 2, ...)      c1 = path index
 *   c2 = low 32 bits of the sequence      c3 = high 32 bits of the sequence
 * </pre>
 *
 * where {@code mix64} is the SplitMix64 finaliser (D. Stafford's "Mix13": xor-shift 30, multiply by
 * 0xbf58476d1ce4e5b9, xor-shift 27, multiply by 0x94d049bb133111eb, xor-shift 31), a bijection of
 * 64-bit words: within one seed, distinct key hashes get distinct Philox keys, and distinct
 * (sequence, path, block) get distinct counters, so no two simulations of a job share a block
 * unless two keys' 64-bit hashes collide. FNV-1a (Fowler, Noll and Vo; offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3) is used for being a short published definition that any
 * language or a GPU kernel reproduces; {@link String#hashCode()} has only 32 bits.
 *
 * <p>The stream of a path is the blocks {@code b = 0, 1, 2, ...} in order; block {@code b}'s
 * outputs {@code (x0, x1, x2, x3)} are the 32-bit words {@code 4b .. 4b + 3} of the stream, and its
 * 64-bit words {@code 2b, 2b + 1} are {@code x0 | x1 << 32} and {@code x2 | x3 << 32}. Sequential
 * reads ({@link #nextInt()}, {@link #nextDouble()}) and random access ({@link #fillWords}, {@link
 * #computePaths}) see the same words; how many blocks a refill computes at once changes no value. A
 * path reads at most 2^31 blocks (2^33 words of 32 bits); past that {@link #nextInt()} throws.
 *
 * <p>Each path also has a <b>side stream</b> ({@link #nextSideInt()}): the blocks {@code c0 = 2^31
 * + b}, words in the same order. The ziggurat takes the further draws of its slow path from it, so
 * a normal takes exactly one word of the stream and a Gaussian walk reads step {@code t} from word
 * {@code t}: the steps of many paths can then be computed in one pass ({@link #computePaths}) and
 * read in place. The two never share a block, since the stream stops below {@code c0 = 2^31}.
 *
 * <p>Not thread-safe (it owns a buffer); reuse one instance by {@link #reset}, which allocates
 * nothing.
 *
 * <pre>{@code
 * long key = WalkStream.streamKey(42L, WalkStream.keyHash("ad-7"));
 * WalkStream stream = new WalkStream();
 * stream.reset(key, 3L, 0, 100); // sequence 3, path 0, about 100 numbers wanted
 * int bits = stream.nextInt();
 * double u = stream.nextDouble(); // in [0, 1), 53 random bits
 * }</pre>
 */
public final class WalkStream {

    /** Most blocks one refill computes: 8 KiB, one pass of {@link Philox4x32}'s lanes. */
    static final int CHUNK_BLOCKS = Philox4x32.LANES;

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long MAX_BLOCKS = 1L << 31;

    /** {@code c0} of the side stream's first block. */
    private static final int SIDE_BLOCKS_START = Integer.MIN_VALUE;

    /** Blocks a refill computes once a path has read more words than its hint said. */
    private static final int OVERRUN_BLOCKS = 16;

    private final Philox4x32 philox = new Philox4x32();
    private final long[] buffer = new long[2 * CHUNK_BLOCKS];
    private final int[] side = new int[4];
    private int k0;
    private int k1;
    private int path;
    private int sequenceLow;
    private int sequenceHigh;
    private long nextBlock;
    private int position;
    private int limit;
    private long wanted;
    private long nextSideBlock;
    private int sidePosition;

    /**
     * FNV-1a 64 of {@code key}'s UTF-8 bytes: the stable key hash of the layout above.
     *
     * <pre>{@code
     * WalkStream.keyHash("");  // 0xcbf29ce484222325L
     * WalkStream.keyHash("a"); // 0xaf63dc4c8601ec8cL
     * }</pre>
     */
    public static long keyHash(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        long hash = FNV_OFFSET_BASIS;
        for (byte b : bytes) {
            hash = (hash ^ (b & 0xFF)) * FNV_PRIME;
        }
        return hash;
    }

    /** The Philox key of (job seed, key hash): {@code mix64(keyHash ^ mix64(seed))}. */
    public static long streamKey(long seed, long keyHash) {
        return mix64(keyHash ^ mix64(seed));
    }

    /** The SplitMix64 finaliser, a bijection of 64-bit words with good avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Moves to the start of path {@code path} of simulation ({@code streamKey}, {@code sequence}).
     * {@code expectedInts} is a hint of how many 32-bit words the path will read, so short paths do
     * not compute a whole chunk; it changes no value.
     *
     * @throws IllegalArgumentException if {@code path} is negative
     */
    public void reset(long streamKey, long sequence, int path, long expectedInts) {
        if (path < 0) {
            throw new IllegalArgumentException("path index must be >= 0, got " + path);
        }
        k0 = (int) streamKey;
        k1 = (int) (streamKey >>> 32);
        this.path = path;
        sequenceLow = (int) sequence;
        sequenceHigh = (int) (sequence >>> 32);
        nextBlock = 0;
        position = 0;
        limit = 0;
        wanted = Math.max(expectedInts, 1);
        nextSideBlock = 0;
        sidePosition = side.length;
    }

    /** The next 32 random bits of the path. */
    public int nextInt() {
        if (position == limit) {
            refill();
        }
        long word = buffer[position >>> 1];
        int value = (int) (word >>> ((position & 1) << 5));
        position++;
        return value;
    }

    /**
     * The next 32 random bits of the path's side stream, one block computed per four words: few
     * draws reject, so this is seldom called.
     */
    int nextSideInt() {
        if (sidePosition == side.length) {
            if (nextSideBlock == MAX_BLOCKS) {
                throw new IllegalStateException("a side stream may read at most 2^31 blocks");
            }
            Philox4x32.block(
                    SIDE_BLOCKS_START + (int) nextSideBlock++,
                    path,
                    sequenceLow,
                    sequenceHigh,
                    k0,
                    k1,
                    side,
                    0);
            sidePosition = 0;
        }
        return side[sidePosition++];
    }

    /**
     * A uniform in (0, 1) from one side-stream word, {@code (u + 1/2) 2^-32}: the 32 bits that
     * Marsaglia and Tsang's rejection tests use; never 0, so its logarithm is finite.
     */
    double nextSideOpenUniform() {
        return ((nextSideInt() & 0xFFFFFFFFL) + 0.5) * 0x1p-32;
    }

    /** A uniform double in [0, 1) from the next two ints: 53 random bits, as in Java's Random. */
    public double nextDouble() {
        long high = (nextInt() >>> 6) & 0x3FFFFFFL;
        long low = (nextInt() >>> 5) & 0x7FFFFFFL;
        return ((high << 27) | low) * 0x1p-53;
    }

    /** A uniform double in (0, 1): {@link #nextDouble()} moved up by half its resolution. */
    double nextOpenDouble() {
        return nextDouble() + 0x1p-54;
    }

    /**
     * Random access: the 64-bit words {@code firstWord .. firstWord + count - 1} of this path into
     * {@code out[0 .. count)}, leaving the sequential position alone. {@code firstWord} must be
     * even (block-aligned), and {@code out} must have room for {@code count} rounded up to even.
     */
    void fillWords(long[] out, int firstWord, int count) {
        assert (firstWord & 1) == 0 && out.length >= count + (count & 1);
        int blocks = (count + 1) >>> 1;
        long firstBlock = firstWord >>> 1;
        if (firstBlock + blocks > MAX_BLOCKS) {
            throw new IllegalStateException("a path may read at most 2^31 Philox blocks");
        }
        philox.fill((int) firstBlock, path, sequenceLow, sequenceHigh, k0, k1, out, 0, blocks);
    }

    /**
     * Random access to the words {@code 0 .. wordsPerPath - 1} of {@code paths} paths at once, this
     * path and the next {@code paths - 1}: path {@code path + q} into {@code out[q * stride .. q *
     * stride + wordsPerPath)} with {@code stride} = {@code wordsPerPath} rounded up to even. One
     * Philox pass computes them all, which keeps its lanes full when paths are short.
     */
    void fillPaths(long[] out, int paths, int wordsPerPath) {
        int blocks = (wordsPerPath + 1) >>> 1;
        assert paths >= 1 && out.length >= 2L * blocks * paths;
        checkPaths(paths);
        philox.fill(0, path, sequenceLow, sequenceHigh, k0, k1, out, 0, blocks, paths);
    }

    /**
     * Computes the blocks {@code 0 .. blocks - 1} of {@code paths} paths at once, this path and the
     * next {@code paths - 1}, into the lanes of this stream's generator, and returns it: block
     * {@code j} of path {@code path + q} is in lane {@code q * blocks + j} ({@link
     * Philox4x32#lane}), until the next call that computes blocks. {@code blocks * paths} must be
     * at most {@link #CHUNK_BLOCKS}.
     */
    Philox4x32 computePaths(int paths, int blocks) {
        checkPaths(paths);
        philox.computeLanes(0, path, sequenceLow, sequenceHigh, k0, k1, blocks, paths);
        return philox;
    }

    /**
     * Computes this path's blocks {@code firstBlock .. firstBlock + blocks - 1}, at most {@link
     * #CHUNK_BLOCKS} of them, into lanes {@code 0 .. blocks - 1} of the generator it returns.
     */
    Philox4x32 computeBlocks(long firstBlock, int blocks) {
        if (firstBlock + blocks > MAX_BLOCKS) {
            throw new IllegalStateException("a path may read at most 2^31 Philox blocks");
        }
        philox.computeLanes((int) firstBlock, path, sequenceLow, sequenceHigh, k0, k1, blocks, 1);
        return philox;
    }

    private void checkPaths(int paths) {
        if ((long) path + paths - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("path indexes must stay below 2^31");
        }
    }

    private void refill() {
        long remainingBlocks = (wanted - 4 * nextBlock + 3) / 4;
        // Past the hint (rejection samplers read a few words more than one per step), refill a
        // few lanes' worth at once rather than block by block.
        long blocks = remainingBlocks > 0 ? remainingBlocks : OVERRUN_BLOCKS;
        blocks = Math.min(Math.min(CHUNK_BLOCKS, blocks), MAX_BLOCKS - nextBlock);
        if (blocks == 0) {
            throw new IllegalStateException("a path may read at most 2^31 Philox blocks");
        }
        philox.fill(
                (int) nextBlock, path, sequenceLow, sequenceHigh, k0, k1, buffer, 0, (int) blocks);
        nextBlock += blocks;
        position = 0;
        limit = 4 * (int) blocks;
    }
}
