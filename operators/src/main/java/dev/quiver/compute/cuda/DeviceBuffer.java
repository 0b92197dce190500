package dev.quiver.compute.cuda;

/**
 * Device memory of one {@link CudaStream} that grows (at least doubling) to the largest need and
 * is reused: scratch for a call ({@link #ensure}, contents dropped) or storage that keeps its
 * first bytes when it grows ({@link #grow}, a device-to-device copy).
 */
final class DeviceBuffer {

    private final CudaStream stream;
    private final String what;
    private long address;
    private long bytes;

    /** An empty buffer; {@code what} names it in a failed allocation's message. */
    DeviceBuffer(CudaStream stream, String what) {
        this.stream = stream;
        this.what = what;
    }

    /** The device address; valid until the next ensure or grow. */
    long address() {
        return address;
    }

    /** At least {@code needed} bytes, contents dropped. */
    long ensure(long needed) {
        if (needed > bytes) {
            long size = Math.max(needed, 2 * bytes);
            stream.free(address, bytes);
            address = 0;
            bytes = 0;
            address = stream.alloc(size, what);
            bytes = size;
        }
        return address;
    }

    /** At least {@code needed} bytes, keeping the first {@code kept} bytes. */
    long grow(long needed, long kept) {
        if (needed > bytes) {
            long size = Math.max(needed, 2 * bytes);
            long larger = stream.alloc(size, what);
            stream.copy(address, larger, Math.min(kept, bytes));
            // The copy is queued: wait for it before the source is freed.
            stream.sync();
            stream.free(address, bytes);
            address = larger;
            bytes = size;
        }
        return address;
    }

    /** Frees the memory. */
    void free() {
        stream.free(address, bytes);
        address = 0;
        bytes = 0;
    }
}
