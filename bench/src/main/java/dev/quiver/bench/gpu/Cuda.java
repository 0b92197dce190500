package dev.quiver.bench.gpu;

import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.javacpp.Pointer;

import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaEventCreate;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventElapsedTime;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;

/**
 * The few CUDA runtime calls the check makes itself, through JavaCPP's bindings: the device's
 * identity, device memory, and event timing. Every call's status is checked; a failure throws with
 * the runtime's own message.
 */
final class Cuda {

    private Cuda() {}

    /** The card, driver and runtime as the report's header shows them. */
    record DeviceInfo(
            String name,
            int major,
            int minor,
            int multiprocessors,
            long memoryBytes,
            int driverVersion,
            int runtimeVersion) {

        String describe() {
            return String.format(
                    "%s (compute capability %d.%d, %d multiprocessors, %.1f GiB), driver API %s,"
                            + " runtime %s",
                    name,
                    major,
                    minor,
                    multiprocessors,
                    memoryBytes / (double) (1L << 30),
                    version(driverVersion),
                    version(runtimeVersion));
        }

        /** CUDA's encoding: 1000 * major + 10 * minor. */
        static String version(int encoded) {
            return (encoded / 1000) + "." + (encoded % 1000) / 10;
        }
    }

    /** Throws with the runtime's message unless {@code status} is cudaSuccess. */
    static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(
                    call + " failed: " + cudaGetErrorString(status).getString() + " (" + status + ")");
        }
    }

    /**
     * The number of devices, or the runtime's reason why there are none (no driver, an
     * insufficient driver, no device): null when at least one device is there.
     */
    static String whyNoDevice() {
        int[] count = {0};
        int status = cudaGetDeviceCount(count);
        if (status != 0) {
            return "cudaGetDeviceCount: " + cudaGetErrorString(status).getString() + " (" + status + ")";
        }
        return count[0] < 1 ? "cudaGetDeviceCount found no device" : null;
    }

    /** Device 0 and the versions of the driver and runtime. */
    static DeviceInfo deviceInfo() {
        try (cudaDeviceProp properties = new cudaDeviceProp()) {
            check(cudaGetDeviceProperties(properties, 0), "cudaGetDeviceProperties");
            int[] driver = {0};
            int[] runtime = {0};
            check(cudaDriverGetVersion(driver), "cudaDriverGetVersion");
            check(cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
            return new DeviceInfo(
                    properties.name().getString(),
                    properties.major(),
                    properties.minor(),
                    properties.multiProcessorCount(),
                    properties.totalGlobalMem(),
                    driver[0],
                    runtime[0]);
        }
    }

    /** {@code bytes} of device memory in {@code into} (whose address cudaMalloc sets). */
    static <P extends Pointer> P malloc(P into, long bytes) {
        check(cudaMalloc(into, bytes), "cudaMalloc(" + bytes + " bytes)");
        return into;
    }

    /** Frees device memory; null is ignored. */
    static void free(Pointer device) {
        if (device != null && !device.isNull()) {
            check(cudaFree(device), "cudaFree");
        }
    }

    /** Device work to time: enqueued on the default stream, not waited for. */
    interface DeviceWork {
        void enqueue();
    }

    /** Milliseconds the device spends on {@code work}, by events on the default stream. */
    static float time(DeviceWork work) {
        CUevent_st start = new CUevent_st();
        CUevent_st stop = new CUevent_st();
        check(cudaEventCreate(start), "cudaEventCreate");
        check(cudaEventCreate(stop), "cudaEventCreate");
        try {
            check(cudaEventRecord(start, null), "cudaEventRecord");
            work.enqueue();
            check(cudaEventRecord(stop, null), "cudaEventRecord");
            check(cudaEventSynchronize(stop), "cudaEventSynchronize");
            float[] millis = {0f};
            check(cudaEventElapsedTime(millis, start, stop), "cudaEventElapsedTime");
            return millis[0];
        } finally {
            cudaEventDestroy(start);
            cudaEventDestroy(stop);
        }
    }

    /** Waits for the device and throws if earlier asynchronous work failed. */
    static void synchronize() {
        check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }
}
