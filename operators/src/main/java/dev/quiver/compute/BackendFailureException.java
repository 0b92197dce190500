package dev.quiver.compute;

/**
 * A backend's device or native library failed on a call whose arguments were valid (a lost
 * device, device memory exhausted, a kernel launch refused): another backend can answer the same
 * call, so the registry re-runs it on the {@code java} backend ({@link
 * BackendProvider#runsOnDevice}) instead of failing the batch. Bad arguments are never this
 * exception: they fail on every backend.
 *
 * <pre>{@code
 * throw new BackendFailureException("cuMemAlloc(4096 bytes): CUDA_ERROR_OUT_OF_MEMORY");
 * }</pre>
 */
public class BackendFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public BackendFailureException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public BackendFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
