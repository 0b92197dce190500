package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendFailureException;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;

/**
 * A CUDA driver or cuBLAS call that did not return success: the message names the call, the
 * error's name and its description, e.g. {@code cuMemAlloc(4096 bytes) failed:
 * CUDA_ERROR_OUT_OF_MEMORY (out of memory)}. It is a {@link BackendFailureException}, so the
 * registry answers the batch on the {@code java} backend instead.
 *
 * <pre>{@code
 * CudaException.check(cudart.cuInit(0), "cuInit");
 * }</pre>
 */
public final class CudaException extends BackendFailureException {

    private static final long serialVersionUID = 1L;

    private final int code;

    CudaException(String call, int code, String name, String description) {
        this(message(call, name, description), code);
    }

    private CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /**
     * A launch refused before it reached the driver, because it does not fit the kernel's
     * declaration ({@link KernelSignatures}); its code is {@code CUDA_ERROR_INVALID_VALUE}.
     */
    static CudaException launchRefused(String kernel, String reason) {
        return new CudaException(
                "launch of " + kernel + " refused: " + reason + " (" + KernelSignatures.SOURCE + ")",
                cudart.CUDA_ERROR_INVALID_VALUE);
    }

    /** The CUDA driver's {@code CUresult} or cuBLAS's {@code cublasStatus_t}. */
    public int code() {
        return code;
    }

    /** The message for a failed call: call, error name and description. */
    static String message(String call, String name, String description) {
        return call + " failed: " + name + " (" + description + ")";
    }

    /**
     * Throws unless {@code result} (a driver API {@code CUresult}) is {@code CUDA_SUCCESS}.
     *
     * @param call the call and its essential arguments, for the message
     */
    static void check(int result, String call) {
        if (result != cudart.CUDA_SUCCESS) {
            throw new CudaException(
                    call, result, driverText(result, true), driverText(result, false));
        }
    }

    /** Throws unless {@code status} (a {@code cublasStatus_t}) is {@code CUBLAS_STATUS_SUCCESS}. */
    static void checkBlas(int status, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(
                    call,
                    status,
                    text(cublas.cublasGetStatusName(status), "cuBLAS status " + status),
                    text(cublas.cublasGetStatusString(status), "no description"));
        }
    }

    private static String driverText(int result, boolean name) {
        BytePointer text = new BytePointer();
        int found =
                name ? cudart.cuGetErrorName(result, text) : cudart.cuGetErrorString(result, text);
        return found == cudart.CUDA_SUCCESS
                ? text(text, "CUresult " + result)
                : "unknown CUresult " + result;
    }

    private static String text(BytePointer pointer, String otherwise) {
        return pointer == null || pointer.isNull() ? otherwise : pointer.getString();
    }
}
