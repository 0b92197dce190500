package dev.quiver.compute;

/**
 * The close rule the kernels and their point blocks share: {@link #close} releases the resource
 * the first time only, and {@link #checkOpen} refuses any use after it.
 *
 * <pre>{@code
 * final class Scratch extends ReleasedOnce {
 *     Scratch() { super("the scratch"); }
 *     void use() { checkOpen(); ... }
 *     protected void release() { ... free ... }
 * }
 * }</pre>
 */
public abstract class ReleasedOnce implements AutoCloseable {

    private final String what;
    private boolean closed;

    /** {@code what} names the resource in the error after close, e.g. "the point block". */
    protected ReleasedOnce(String what) {
        this.what = what;
    }

    /** Releases the resource's own memory or handles, once. */
    protected abstract void release();

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }
}
