package dev.quiver.compute.cuda;

import static dev.quiver.compute.cuda.CudaException.check;
import static dev.quiver.compute.cuda.CudaException.checkBlas;

import dev.quiver.compute.ReleasedOnce;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One backend's queue of work on a {@link CudaDevice}: a non-blocking stream, the device memory
 * its capabilities allocate (counted for the metrics), one pinned staging buffer reused by every
 * copy, and a cuBLAS handle bound to the stream, created on first use. Each capability call makes
 * the context current ({@link #begin}), queues its copies and launches, and ends with {@link
 * #sync}; the staging buffer is then free for the next call. Not thread-safe, as the backend.
 */
final class CudaStream extends ReleasedOnce {

    /** Threads per block of the one-dimensional kernels. */
    static final int THREADS = 256;

    private final CudaDevice device;
    private final CUstream_st stream = new CUstream_st();
    private final PinnedBuffer staging = new PinnedBuffer();
    private cublasContext blas;
    private long deviceBytes;

    CudaStream(CudaDevice device) {
        super("the CUDA stream");
        this.device = device;
        device.makeCurrent();
        check(cudart.cuStreamCreate(stream, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    }

    /** Makes the device's context current on the calling thread; every call starts with it. */
    void begin() {
        checkOpen();
        device.makeCurrent();
    }

    /** Makes the context current, for freeing memory, even once the stream is closed. */
    void makeCurrent() {
        device.makeCurrent();
    }

    /** The pinned staging buffer, grown to at least {@code bytes}. Only between begin and sync. */
    PinnedBuffer staging(long bytes) {
        staging.ensure(bytes);
        return staging;
    }

    /** Allocates {@code bytes} (at least one) of device memory; {@link #free} releases it. */
    long alloc(long bytes, String what) {
        long[] address = {0};
        long size = Math.max(1, bytes);
        check(cudart.cuMemAlloc(address, size), "cuMemAlloc(" + size + " bytes for " + what + ")");
        deviceBytes += size;
        return address[0];
    }

    /** Frees an {@link #alloc}; never throws (a failed free is logged by the caller's close). */
    void free(long address, long bytes) {
        if (address != 0) {
            deviceBytes -= Math.max(1, bytes);
            cudart.cuMemFree(address);
        }
    }

    /** Device memory held by this stream's allocations. */
    long deviceBytes() {
        return deviceBytes;
    }

    /** Queues a copy of {@code bytes} from staging offset {@code from} to device {@code to}. */
    void upload(long from, long to, long bytes) {
        if (bytes > 0) {
            check(cudart.cuMemcpyHtoDAsync(to, staging.at(from), bytes, stream),
                    "cuMemcpyHtoDAsync(" + bytes + " bytes)");
        }
    }

    /** Queues a copy of {@code bytes} from device {@code from} to staging offset {@code to}. */
    void download(long from, long to, long bytes) {
        if (bytes > 0) {
            check(cudart.cuMemcpyDtoHAsync(staging.at(to), from, bytes, stream),
                    "cuMemcpyDtoHAsync(" + bytes + " bytes)");
        }
    }

    /** Queues a device-to-device copy. */
    void copy(long from, long to, long bytes) {
        if (bytes > 0) {
            check(cudart.cuMemcpyDtoDAsync(to, from, bytes, stream),
                    "cuMemcpyDtoDAsync(" + bytes + " bytes)");
        }
    }

    /**
     * Queues a launch, first checked against its kernel's declaration in {@code
     * quiver_kernels.cu} ({@link KernelSignatures}): the driver would take mismatched arguments
     * as they are and the kernel would read or write the wrong memory.
     *
     * @throws CudaException if the launch does not fit its kernel, or the driver refuses it
     */
    void launch(KernelLaunch l) {
        KernelSignatures.bundled().check(l);
        check(cudart.cuLaunchKernel(device.function(l.kernel()), l.gridX(), l.gridY(), 1,
                        l.blockX(), l.blockY(), 1, l.sharedBytes(), stream, l.args().array(),
                        (PointerPointer<?>) null),
                "cuLaunchKernel(" + l.kernel() + ", grid " + l.gridX() + "x" + l.gridY() + ")");
    }

    /** Blocks of {@link #THREADS} covering {@code n} threads. */
    static int blocks(long n) {
        long blocks = (n + THREADS - 1) / THREADS;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " threads exceed one launch's grid");
        }
        return (int) Math.max(1, blocks);
    }

    /** Waits for everything queued; a kernel's failure surfaces here. */
    void sync() {
        check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /**
     * The cuBLAS handle of this stream, in {@code CUBLAS_PEDANTIC_MATH}: true FP32 products and
     * sums (no TF32, no reduced-precision reduction), so the distances' error bound holds.
     */
    cublasContext blas() {
        if (blas == null) {
            cublasContext handle = new cublasContext();
            checkBlas(cublas.cublasCreate_v2(handle), "cublasCreate");
            blas = handle;
            checkBlas(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream");
            checkBlas(cublas.cublasSetMathMode(blas, cublas.CUBLAS_PEDANTIC_MATH),
                    "cublasSetMathMode(CUBLAS_PEDANTIC_MATH)");
        }
        return blas;
    }

    /** Waits for the stream, then frees the staging buffer, the cuBLAS handle and the stream. */
    @Override
    protected void release() {
        device.makeCurrent();
        cudart.cuStreamSynchronize(stream);
        if (blas != null) {
            cublas.cublasDestroy_v2(blas);
        }
        staging.free();
        cudart.cuStreamDestroy(stream);
    }
}
