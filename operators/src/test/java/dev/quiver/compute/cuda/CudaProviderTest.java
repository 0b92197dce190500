package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.BackendProbe;
import dev.quiver.compute.BackendProvider;
import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The cuda backend without a device: its probe reads files only and names what is missing, the
 * registry lists it above nd4j-cpu, and opening it where the probe fails is one clear error.
 */
class CudaProviderTest {

    private static final String LINUX = "Linux-amd64";

    @TempDir Path temp;

    @Test
    void aJarWithoutTheFatbinIsUnavailableFirst() {
        BackendProbe probe = CudaProbe.probe(false, LINUX, List.of(), temp);
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason())
                .isEqualTo(
                        "built without CUDA kernels (no quiver-kernels.fatbin on the classpath)");
    }

    @Test
    void otherPlatformsAreUnavailable() {
        BackendProbe probe = CudaProbe.probe(true, "Mac OS X-aarch64", List.of(), temp);
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason()).contains("linux-x86_64 only", "Mac OS X-aarch64");
    }

    @Test
    void withoutTheDriverLibraryItSaysNoDriver() {
        BackendProbe probe = CudaProbe.probe(true, LINUX, List.of(temp.resolve("lib")), temp);
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason()).startsWith("no CUDA driver (libcuda.so.1 not found in [");
    }

    @Test
    void withTheDriverButNoDeviceNodeItSaysNoDevice() throws IOException {
        Path lib = driverIn(temp.resolve("lib"));
        Path dev = Files.createDirectories(temp.resolve("dev"));
        Files.createFile(dev.resolve("nvidiactl"));
        BackendProbe probe = CudaProbe.probe(true, LINUX, List.of(lib), dev);
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason()).isEqualTo("no GPU device (no " + dev + "/nvidia<n>)");
    }

    @Test
    void withTheDriverAndADeviceItIsAvailable() throws IOException {
        Path lib = driverIn(temp.resolve("lib"));
        Path dev = Files.createDirectories(temp.resolve("dev"));
        Files.createFile(dev.resolve("nvidia1"));
        Files.createFile(dev.resolve("nvidia0"));
        Files.createFile(dev.resolve("nvidiactl"));
        BackendProbe probe = CudaProbe.probe(true, LINUX, List.of(temp.resolve("none"), lib), dev);
        assertThat(probe.available()).isTrue();
        assertThat(probe.reason())
                .isEqualTo(
                        "CUDA driver "
                                + lib.resolve("libcuda.so.1")
                                + " and devices nvidia0, nvidia1");
    }

    @Test
    void theProbeHereLoadsNoNativeCode() {
        BackendProbe probe = new CudaProvider().probe();
        assertThat(probe.reason()).isNotBlank();
        assertThat(CudaModule.hasFatbin() || !probe.available()).isTrue();
        // JavaCPP's Loader records every library it loads; the probe must not have loaded one.
        assertThat(org.bytedeco.javacpp.Loader.getLoadedLibraries().keySet())
                .noneMatch(name -> name.contains("cuda"));
    }

    @Test
    void bothProvidersAreRegisteredUnderOneNameAboveTheCpu() {
        List<BackendProvider> cuda =
                ServiceLoader.load(BackendProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(p -> p.name().equals("cuda"))
                        .toList();
        assertThat(cuda).hasSize(2);
        assertThat(cuda).allMatch(p -> p.priority() == 300 && p.runsOnDevice());
        assertThat(ComputeBackends.NAMES.get(0)).isEqualTo("cuda");
    }

    @Test
    void openingWhereTheProbeFailsIsOneClearError() {
        BackendProbe probe = new CudaProvider().probe();
        if (probe.available()) {
            try (ComputeBackend cuda = ComputeBackends.byName("cuda")) {
                assertThat(cuda.distances().backend()).isEqualTo("cuda");
            }
            return;
        }
        assertThatThrownBy(() -> ComputeBackends.byName("cuda"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("compute backend cuda cannot run here: " + probe.reason());
        assertThatThrownBy(() -> ComputeBackends.byName("cuda", 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("compute backend cuda cannot run here: ");
        assertThat(ComputeBackends.autoChoice()).isNotEqualTo("cuda");
    }

    @Test
    void aNegativeDeviceIndexIsRefusedBeforeAnythingOpens() {
        assertThatThrownBy(() -> ComputeBackends.byName("java", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device index must not be negative, got -1");
    }

    @Test
    void errorMessagesNameTheCallTheErrorAndItsDescription() {
        assertThat(
                        CudaException.message(
                                "cuMemAlloc(4096 bytes for point rows)",
                                "CUDA_ERROR_OUT_OF_MEMORY",
                                "out of memory"))
                .isEqualTo(
                        "cuMemAlloc(4096 bytes for point rows) failed: CUDA_ERROR_OUT_OF_MEMORY"
                                + " (out of memory)");
    }

    private static Path driverIn(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.createFile(dir.resolve("libcuda.so.1"));
        return dir;
    }
}
