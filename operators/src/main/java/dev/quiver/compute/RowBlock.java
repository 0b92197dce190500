package dev.quiver.compute;

import java.util.Objects;

/**
 * A block of row-major rows inside a larger float array: {@code count} rows starting at {@code
 * rows[offset]}, each of the call's dimension. It lets a caller hand a backend part of a larger
 * store without copying it; the dimension is the call's, since queries and points share it.
 *
 * <p>The record only names the rows: whether the array holds them depends on the dimension, so
 * {@link #checkRows(String, int)} checks that once the dimension is known. A block is a small value
 * object; it neither copies nor owns the array.
 *
 * <pre>{@code
 * float[] store = {9f, 9f, 3f, 4f, 0f, 1f}; // three rows of d = 2
 * RowBlock lastTwo = new RowBlock(store, 2, 2); // rows {3, 4} and {0, 1}
 * int second = lastTwo.rowStart(1, 2);          // 4
 * lastTwo.checkRows("points", 2);               // passes: [2, 6) fits in 6 floats
 * }</pre>
 */
public record RowBlock(float[] rows, int offset, int count) {

    /** Throws if {@code rows} is null; offsets and counts are checked against a dimension later. */
    public RowBlock {
        Objects.requireNonNull(rows, "rows");
    }

    /** The index in {@link #rows()} of the first coordinate of row {@code row} of the block. */
    public int rowStart(int row, int dimension) {
        return offset + row * dimension;
    }

    /** The number of floats the block spans at {@code dimension}. */
    public int length(int dimension) {
        return count * dimension;
    }

    /**
     * Checks that the array holds the block's rows at {@code dimension}.
     *
     * @param what the block's name in the message, e.g. {@code "points"}
     * @throws IllegalArgumentException naming the array's length and the range the block needs
     */
    public void checkRows(String what, int dimension) {
        long end = offset + (long) count * dimension;
        if (offset < 0 || end > rows.length) {
            throw new IllegalArgumentException(
                    what
                            + " holds "
                            + rows.length
                            + " floats, needs ["
                            + offset
                            + ", "
                            + end
                            + ") for "
                            + count
                            + " rows of dimension "
                            + dimension);
        }
    }
}
