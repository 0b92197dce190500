package dev.quiver.compute.cuda;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of one {@code cuLaunchKernel}: the driver wants an array of pointers, one to each
 * argument's value, in the kernel's parameter order. Each value lives in native memory this object
 * owns until {@link #close}, after the launch (which copies them).
 *
 * <pre>{@code
 * try (KernelArgs args = new KernelArgs().address(rows).i32(count).f64(scale)) {
 *     stream.launch("quiver_kernel", blocks, 1, THREADS, 1, args);
 * }
 * }</pre>
 */
final class KernelArgs implements AutoCloseable {

    private final List<Pointer> values = new ArrayList<>();
    private PointerPointer<Pointer> array;

    /** A device address ({@code CUdeviceptr}, a pointer parameter). */
    KernelArgs address(long deviceAddress) {
        return i64(deviceAddress);
    }

    /** An {@code int}. */
    KernelArgs i32(int value) {
        values.add(new IntPointer(1).put(value));
        return this;
    }

    /** A 64-bit integer ({@code long long}, {@code uint64_t}, {@code int64_t}). */
    KernelArgs i64(long value) {
        values.add(new LongPointer(1).put(value));
        return this;
    }

    /** A {@code double}. */
    KernelArgs f64(double value) {
        values.add(new DoublePointer(1).put(value));
        return this;
    }

    /** The {@code void**} array for the launch. */
    PointerPointer<Pointer> array() {
        if (array == null) {
            array = new PointerPointer<>(values.toArray(new Pointer[0]));
        }
        return array;
    }

    @Override
    public void close() {
        if (array != null) {
            array.close();
        }
        values.forEach(Pointer::close);
    }
}
