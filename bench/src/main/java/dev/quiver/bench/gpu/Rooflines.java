package dev.quiver.bench.gpu;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

import java.util.Arrays;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetVersion_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpy;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemset;

/**
 * The reference ceilings the workloads are measured against, each measured on the card rather
 * than taken from a datasheet: device memory bandwidth (a device-to-device copy), pinned
 * host-to-device bandwidth, and cuBLAS SGEMM time for the kNN workload's distance product. Each is
 * the median of several timed repetitions after a warm-up, timed with CUDA events.
 */
final class Rooflines {

    private static final int REPEATS = 7;

    private Rooflines() {}

    /** Bytes per second moved by a device-to-device copy of {@code bytes}, read plus written. */
    static double deviceBandwidth(long bytes) {
        BytePointer source = Cuda.malloc(new BytePointer(), bytes);
        BytePointer target = null;
        try {
            target = Cuda.malloc(new BytePointer(), bytes);
            // Never time untouched or zero memory: fill the source with a pattern first.
            Cuda.check(cudaMemset(source, 0x5a, bytes), "cudaMemset");
            Pointer to = target;
            float millis =
                    median(() -> Cuda.check(
                            cudaMemcpy(to, source, bytes, cudaMemcpyDeviceToDevice),
                            "cudaMemcpy device to device"));
            return 2.0 * bytes / (millis / 1e3);
        } finally {
            Cuda.free(target);
            Cuda.free(source);
        }
    }

    /** Bytes per second of a host-to-device copy from pinned host memory. */
    static double pinnedHostToDeviceBandwidth(long bytes) {
        BytePointer host = new BytePointer();
        Cuda.check(cudaMallocHost(host, bytes), "cudaMallocHost(" + bytes + " bytes)");
        BytePointer device = null;
        try {
            host.capacity(bytes);
            for (long i = 0; i < bytes; i += 4096) {
                host.put(i, (byte) (i >>> 12));
            }
            device = Cuda.malloc(new BytePointer(), bytes);
            Pointer to = device;
            float millis =
                    median(() -> Cuda.check(
                            cudaMemcpy(to, host, bytes, cudaMemcpyHostToDevice),
                            "cudaMemcpy host to device"));
            return bytes / (millis / 1e3);
        } finally {
            Cuda.free(device);
            cudaFreeHost(host);
        }
    }

    /** What {@link #sgemm} measured. */
    record Sgemm(double seconds, int cublasVersion) {}

    /**
     * Seconds cuBLAS SGEMM (float32, default math mode: no TF32) takes for the {@code queries x
     * points} product of inner dimension {@code dimension}, the distance matrix's main term, in
     * chunks of {@code chunk} points so that the output fits on the card. The chunk's points come
     * from {@code pointRows} (row-major) and are reused for every chunk: SGEMM's time does not
     * depend on the values.
     */
    static Sgemm sgemm(
            float[] queryRows, int queries, float[] pointRows, int points, int dimension, int chunk) {
        cublasContext handle = new cublasContext();
        Cuda.check(cublasCreate_v2(handle), "cublasCreate");
        FloatPointer a = null;
        FloatPointer b = null;
        FloatPointer c = null;
        try {
            Cuda.check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            int[] version = {0};
            Cuda.check(cublasGetVersion_v2(handle, version), "cublasGetVersion");
            a = upload(queryRows, (long) queries * dimension);
            b = upload(pointRows, (long) chunk * dimension);
            c = Cuda.malloc(new FloatPointer(), (long) queries * chunk * Float.BYTES);
            // Host scalars (cuBLAS's default pointer mode); freed with the JavaCPP deallocator.
            FloatPointer alpha = new FloatPointer(1f);
            FloatPointer beta = new FloatPointer(0f);
            int fullChunks = points / chunk;
            int lastChunk = points % chunk;
            FloatPointer da = a;
            FloatPointer db = b;
            FloatPointer dc = c;
            // Column-major: A is d x queries (the row-major queries), transposed; B is d x chunk.
            Cuda.DeviceWork product =
                    () -> {
                        for (int i = 0; i <= fullChunks; i++) {
                            int n = i < fullChunks ? chunk : lastChunk;
                            if (n > 0) {
                                Cuda.check(
                                        cublasSgemm_v2(handle, CUBLAS_OP_T, CUBLAS_OP_N, queries,
                                                n, dimension, alpha, da, dimension, db, dimension,
                                                beta, dc, queries),
                                        "cublasSgemm");
                            }
                        }
                    };
            float millis = median(product);
            return new Sgemm(millis / 1e3, version[0]);
        } finally {
            Cuda.free(c);
            Cuda.free(b);
            Cuda.free(a);
            cublasDestroy_v2(handle);
        }
    }

    private static FloatPointer upload(float[] rows, long floats) {
        FloatPointer device = Cuda.malloc(new FloatPointer(), floats * Float.BYTES);
        try (FloatPointer host = new FloatPointer(floats)) {
            host.put(rows, 0, (int) floats);
            Cuda.check(
                    cudaMemcpy(device, host, floats * Float.BYTES, cudaMemcpyHostToDevice),
                    "cudaMemcpy host to device");
        }
        return device;
    }

    /** Median device milliseconds of {@link #REPEATS} runs after one warm-up. */
    private static float median(Cuda.DeviceWork work) {
        work.enqueue();
        Cuda.synchronize();
        float[] millis = new float[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            millis[i] = Cuda.time(work);
        }
        Arrays.sort(millis);
        return millis[REPEATS / 2];
    }
}
