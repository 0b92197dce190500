package dev.quiver.compute.cuda;

import static dev.quiver.compute.cuda.CudaException.check;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

import java.util.function.Function;

/**
 * Page-locked host memory for a stream's copies ({@code cuMemAllocHost}): the device reads and
 * writes it directly, and asynchronous copies need it. It grows (by at least doubling) to the
 * largest call and is reused; offsets are in bytes. Reads and writes go through typed views.
 */
final class PinnedBuffer {

    private long address;
    private long bytes;

    /** Grows to at least {@code needed} bytes; the contents are not kept. */
    void ensure(long needed) {
        if (needed <= bytes) {
            return;
        }
        long size = Math.max(needed, Math.max(4096, 2 * bytes));
        free();
        Pointer pointer = new Pointer();
        check(cudart.cuMemAllocHost(pointer, size), "cuMemAllocHost(" + size + " bytes)");
        address = pointer.address();
        bytes = size;
    }

    /** A pointer to byte {@code offset}. */
    Pointer at(long offset) {
        return NativeAddress.at(address + offset);
    }

    /**
     * A typed view from byte {@code offset}, e.g. {@code view(0, FloatPointer::new).put(rows, 0,
     * n)}: the view's {@code put} and {@code get} copy arrays in and out of the buffer.
     */
    <P extends Pointer> P view(long offset, Function<Pointer, P> type) {
        return type.apply(at(offset));
    }

    /** Frees the memory; the buffer may grow again. */
    void free() {
        if (address != 0) {
            cudart.cuMemFreeHost(NativeAddress.at(address));
            address = 0;
            bytes = 0;
        }
    }
}
