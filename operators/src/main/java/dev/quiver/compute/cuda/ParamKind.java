package dev.quiver.compute.cuda;

/**
 * What a kernel parameter holds, as far as {@code cuLaunchKernel} cares: how many bytes it reads
 * for it and how they are meant. A device address and a 64-bit integer have the same width, but
 * one in the other's place is still a bug (a seed read as a pointer), so they are kept apart.
 */
enum ParamKind {
    /** {@code int}, {@code int32_t}: 4 bytes. */
    I32("int"),
    /** {@code long long}, {@code int64_t}, {@code uint64_t}: 8 bytes. */
    I64("64-bit integer"),
    /** {@code float}: 4 bytes (no launch passes one today; a kernel taking one is refused). */
    F32("float"),
    /** {@code double}: 8 bytes. */
    F64("double"),
    /** Any pointer: a 64-bit device address. */
    ADDRESS("pointer");

    private final String text;

    ParamKind(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
