package dev.quiver.compute.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The kernels' fatbin, a resource of this package built by {@code src/main/cuda/build.sh} when
 * the jar was built with nvcc: sm_80 and sm_90 machine code and compute_90 PTX, which the driver
 * loads with {@code cuModuleLoadData}. Finding it loads no native code, so the probe may ask.
 */
final class CudaModule {

    /** The resource name, beside this class. */
    static final String FATBIN = "quiver-kernels.fatbin";

    private CudaModule() {}

    /** True when the jar was built with the kernels. */
    static boolean hasFatbin() {
        return CudaModule.class.getResource(FATBIN) != null;
    }

    /** The fatbin's bytes. */
    static byte[] fatbin() {
        try (InputStream in = CudaModule.class.getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new IllegalStateException(
                        "built without CUDA kernels (no " + FATBIN + " on the classpath)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FATBIN, e);
        }
    }
}
