package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendProbe;

import java.util.function.Function;

/**
 * How every part of the {@code cuda} backend opens: refuse with the probe's reason when it says
 * the backend cannot run here (so {@code ComputeBackends.byName("cuda")} on a machine without a GPU
 * fails with one clear message, before any native code loads), else open device {@code index} and
 * build the part on it, turning a missing native library into the same kind of clear message.
 */
final class CudaOpening {

    private CudaOpening() {}

    /**
     * Opens device {@code index} and returns {@code part} built on it.
     *
     * @throws IllegalStateException if the probe failed, or the CUDA libraries or the device could
     *     not be opened; the message says which and points to docs/gpu.md
     */
    static <T> T open(BackendProbe probe, int index, Function<CudaDevice, T> part) {
        if (!probe.available()) {
            throw new IllegalStateException(
                    "compute backend cuda cannot run here: " + probe.reason());
        }
        try {
            return part.apply(CudaDevice.get(index));
        } catch (LinkageError e) {
            throw new IllegalStateException(
                    "compute backend cuda: the CUDA libraries could not be loaded ("
                            + e.getMessage()
                            + "); libcudart.so.13 and libcublas.so.13 must be on"
                            + " LD_LIBRARY_PATH, see docs/gpu.md",
                    e);
        } catch (CudaException e) {
            throw new IllegalStateException(
                    "compute backend cuda: device " + index + " could not be opened: "
                            + e.getMessage(),
                    e);
        }
    }
}
