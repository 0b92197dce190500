package dev.quiver.compute.cuda;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The parameters of one {@code cuLaunchKernel}: the driver wants an array of pointers, one to each
 * argument's value, in the kernel's parameter order. Each value lives in native memory this object
 * owns until {@link #close}, after the launch (which copies them). Each value's {@link ParamKind}
 * is recorded, so that a launch is checked against the kernel's declared parameters before the
 * driver reads them ({@link KernelSignatures}): the driver itself takes whatever bytes it is given.
 *
 * <pre>{@code
 * try (KernelLaunch launch = KernelLaunch.overThreads("quiver_kernel", count,
 *         new KernelArgs().address(rows).i32(count).f64(scale))) {
 *     stream.launch(launch);
 * }
 * }</pre>
 */
final class KernelArgs implements AutoCloseable {

    private final List<Pointer> values = new ArrayList<>();
    private final List<ParamKind> kinds = new ArrayList<>();
    private PointerPointer<Pointer> array;

    /** A device address ({@code CUdeviceptr}, a pointer parameter). */
    KernelArgs address(long deviceAddress) {
        return add(ParamKind.ADDRESS, new LongPointer(1).put(deviceAddress));
    }

    /** An {@code int}. */
    KernelArgs i32(int value) {
        return add(ParamKind.I32, new IntPointer(1).put(value));
    }

    /** A 64-bit integer ({@code long long}, {@code uint64_t}, {@code int64_t}). */
    KernelArgs i64(long value) {
        return add(ParamKind.I64, new LongPointer(1).put(value));
    }

    /** A {@code double}. */
    KernelArgs f64(double value) {
        return add(ParamKind.F64, new DoublePointer(1).put(value));
    }

    private KernelArgs add(ParamKind kind, Pointer value) {
        if (array != null) {
            throw new IllegalStateException("the arguments were already passed to a launch");
        }
        values.add(value);
        kinds.add(kind);
        return this;
    }

    /** The kinds of the values, in order. */
    List<ParamKind> kinds() {
        return Collections.unmodifiableList(kinds);
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
