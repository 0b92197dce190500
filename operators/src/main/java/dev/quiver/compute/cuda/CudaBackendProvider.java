package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendProbe;
import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.NamedProvider;

/**
 * What every provider of the {@code cuda} backend shares: the name, the priority above {@code
 * nd4j-cpu}, the probe ({@link CudaProbe}: files only, no native code) and being on a device, so
 * the registry puts the {@code java} backend behind each capability. A subclass opens its
 * capabilities on a device: {@link CudaProvider} distances and forests, {@code
 * dev.quiver.walk.CudaWalkProvider} walks, each beside the code it needs.
 *
 * <pre>{@code
 * public final class CudaWalkProvider extends CudaBackendProvider {
 *     public ComputeBackend open(int deviceIndex) {
 *         CudaWalkKernel walks = new CudaWalkKernel(CudaWalkPaths.open(deviceIndex));
 *         return ComputeBackend.partial(NAME, null, walks, null);
 *     }
 * }
 * }</pre>
 */
public abstract class CudaBackendProvider extends NamedProvider {

    /** The backend's name. */
    public static final String NAME = "cuda";

    /** Above {@code nd4j-cpu} (200): {@code auto} takes the GPU when it probes available. */
    public static final int PRIORITY = 300;

    /** A provider of the {@code cuda} backend. */
    protected CudaBackendProvider() {
        super(NAME, PRIORITY);
    }

    @Override
    public final BackendProbe probe() {
        return CudaProbe.here();
    }

    @Override
    public final boolean runsOnDevice() {
        return true;
    }

    /** {@link #open(int)} on device 0. */
    @Override
    public final ComputeBackend open() {
        return open(0);
    }
}
