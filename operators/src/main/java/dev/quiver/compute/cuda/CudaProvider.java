package dev.quiver.compute.cuda;

import dev.quiver.compute.ComputeBackend;

/**
 * The {@code cuda} backend's distances and forests (its walks come from {@code
 * dev.quiver.walk.CudaWalkProvider}, beside the walk code they reduce with). {@link #open(int)}
 * refuses with the probe's reason where the backend cannot run, else loads the JavaCPP bindings,
 * the driver and cuBLAS, and opens the device; each capability gets its own stream.
 *
 * <pre>{@code
 * new CudaProvider().probe(); // unavailable here: "no CUDA driver (libcuda.so.1 not found ...)"
 * try (ComputeBackend cuda = ComputeBackends.byName("cuda", 0)) { ... } // on a GPU machine
 * }</pre>
 */
public final class CudaProvider extends CudaBackendProvider {

    @Override
    public ComputeBackend open(int deviceIndex) {
        return CudaOpening.open(
                probe(),
                deviceIndex,
                device -> {
                    CudaDistanceKernel distances = new CudaDistanceKernel(new CudaStream(device));
                    try {
                        CudaForestKernel forests = new CudaForestKernel(new CudaStream(device));
                        return ComputeBackend.partial(NAME, distances, null, forests);
                    } catch (RuntimeException | LinkageError e) {
                        distances.close();
                        throw e;
                    }
                });
    }
}
