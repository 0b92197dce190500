package dev.quiver.compute.cuda;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP pointers at a given address, for the places a binding wants a {@link Pointer} where
 * Quiver holds a number: a device address (cuBLAS takes its matrices as {@code float*}) or a spot
 * inside a pinned buffer. They own nothing: freeing stays with whoever allocated the memory.
 */
final class NativeAddress {

    private NativeAddress() {}

    /** An untyped pointer to {@code address}. */
    static Pointer at(long address) {
        return new Untyped(address);
    }

    /** A {@code float*} to {@code address}. */
    static FloatPointer floatsAt(long address) {
        return new Floats(address);
    }

    private static final class Untyped extends Pointer {
        Untyped(long address) {
            this.address = address;
        }
    }

    private static final class Floats extends FloatPointer {
        Floats(long address) {
            super((Pointer) null);
            this.address = address;
        }
    }
}
