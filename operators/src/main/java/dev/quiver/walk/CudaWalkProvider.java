package dev.quiver.walk;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.cuda.CudaBackendProvider;
import dev.quiver.compute.cuda.CudaWalkPaths;

/**
 * The walks of the {@code cuda} backend ({@link CudaWalkKernel}), beside the reduction they share
 * with the Java simulator; the rest of the backend is {@code dev.quiver.compute.cuda.CudaProvider}.
 *
 * <pre>{@code
 * try (ComputeBackend part = new CudaWalkProvider().open(0)) { // on a GPU machine
 *     part.walks().backend(); // "cuda"
 * }
 * }</pre>
 */
public final class CudaWalkProvider extends CudaBackendProvider {

    @Override
    public ComputeBackend open(int deviceIndex) {
        CudaWalkPaths paths = CudaWalkPaths.open(deviceIndex);
        return ComputeBackend.partial(NAME, null, new CudaWalkKernel(paths), null);
    }
}
