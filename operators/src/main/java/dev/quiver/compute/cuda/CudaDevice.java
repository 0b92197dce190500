package dev.quiver.compute.cuda;

import static dev.quiver.compute.cuda.CudaException.check;

import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * One GPU of this process: its primary context, retained once and kept for the life of the
 * process, and the kernels' module loaded into it once. Every backend of the TaskManager (one per
 * operator subtask) shares it, each with its own {@link CudaStream}: the primary context is also
 * the one the CUDA runtime (and so cuBLAS) uses, so the driver API and cuBLAS share one context.
 *
 * <p>Driver calls run on any thread that has made the context current ({@link #makeCurrent}),
 * which every capability does at the start of each call: Flink may call one operator from
 * different threads over its life.
 */
final class CudaDevice {

    private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);
    private static final Map<Integer, CudaDevice> DEVICES = new HashMap<>();

    private final int index;
    private final CUctx_st context;
    private final CUmod_st module;
    private final Map<String, CUfunc_st> functions = new HashMap<>();

    private CudaDevice(int index) {
        this.index = index;
        check(cudart.cuInit(0), "cuInit");
        int[] count = {0};
        check(cudart.cuDeviceGetCount(count), "cuDeviceGetCount");
        if (index >= count[0]) {
            throw new IllegalArgumentException(
                    "CUDA device " + index + " requested, but this machine has " + count[0]);
        }
        int[] device = {0};
        check(cudart.cuDeviceGet(device, index), "cuDeviceGet(" + index + ")");
        context = new CUctx_st();
        check(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        module = new CUmod_st();
        byte[] fatbin = CudaModule.fatbin();
        try (BytePointer image = new BytePointer(fatbin)) {
            check(
                    cudart.cuModuleLoadData(module, image),
                    "cuModuleLoadData(" + CudaModule.FATBIN + ")");
        }
        LOG.info("CUDA device {} opened: primary context retained, kernels loaded ({} bytes)",
                index, fatbin.length);
    }

    /** Device {@code index} of this process, opened on first use. */
    static synchronized CudaDevice get(int index) {
        CudaDevice device = DEVICES.get(index);
        if (device == null) {
            device = new CudaDevice(index);
            DEVICES.put(index, device);
        }
        return device;
    }

    int index() {
        return index;
    }

    /** Makes this device's context the calling thread's. */
    void makeCurrent() {
        check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent(device " + index + ")");
    }

    /** The kernel {@code name} (an {@code extern "C"} function of quiver_kernels.cu). */
    synchronized CUfunc_st function(String name) {
        CUfunc_st function = functions.get(name);
        if (function == null) {
            function = new CUfunc_st();
            check(
                    cudart.cuModuleGetFunction(function, module, name),
                    "cuModuleGetFunction(" + name + ")");
            functions.put(name, function);
        }
        return function;
    }
}
