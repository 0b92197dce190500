package dev.quiver.compute.cuda;

import dev.quiver.compute.BackendProbe;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The {@code cuda} backend's probe, from files alone (no native code is loaded): the jar holds the
 * kernels' fatbin, the platform is linux-x86_64 (the JavaCPP natives on the classpath), the
 * driver's {@code libcuda.so.1} is in a directory the dynamic loader searches, and a {@code
 * /dev/nvidia<n>} device node exists. Whether the device really works is known only when the
 * backend opens.
 *
 * <pre>{@code
 * BackendProbe probe = CudaProbe.here(); // unavailable on a machine without a GPU, with the reason
 * }</pre>
 */
final class CudaProbe {

    /** The driver library the backend needs; the toolkit's libraries come with it or a wheel. */
    static final String DRIVER = "libcuda.so.1";

    /** Where a glibc system and the CUDA packages put the driver library. */
    private static final List<String> SYSTEM_DIRS =
            List.of(
                    "/usr/lib/x86_64-linux-gnu",
                    "/usr/lib64",
                    "/usr/lib",
                    "/lib/x86_64-linux-gnu",
                    "/lib64",
                    "/usr/local/nvidia/lib64",
                    "/usr/local/cuda/compat",
                    "/usr/lib/wsl/lib");

    private CudaProbe() {}

    /** The probe of this JVM: its classpath, library paths and {@code /dev}. */
    static BackendProbe here() {
        return probe(
                CudaModule.hasFatbin(),
                System.getProperty("os.name", "") + "-" + System.getProperty("os.arch", ""),
                libraryDirs(),
                Path.of("/dev"));
    }

    /** The probe for a classpath with or without the fatbin, a platform, dirs and a /dev. */
    static BackendProbe probe(
            boolean hasFatbin, String platform, List<Path> libraryDirs, Path dev) {
        if (!hasFatbin) {
            return BackendProbe.unavailable(
                    "built without CUDA kernels (no " + CudaModule.FATBIN + " on the classpath)");
        }
        String p = platform.toLowerCase(Locale.ROOT);
        if (!p.startsWith("linux") || !(p.endsWith("amd64") || p.endsWith("x86_64"))) {
            return BackendProbe.unavailable(
                    "its natives are bundled for linux-x86_64 only, this is " + platform);
        }
        Path driver = find(DRIVER, libraryDirs);
        if (driver == null) {
            return BackendProbe.unavailable(
                    "no CUDA driver (" + DRIVER + " not found in " + libraryDirs + ")");
        }
        List<String> devices = deviceNodes(dev);
        if (devices.isEmpty()) {
            return BackendProbe.unavailable("no GPU device (no " + dev + "/nvidia<n>)");
        }
        return BackendProbe.available(
                "CUDA driver " + driver + " and devices " + String.join(", ", devices));
    }

    /** Where the loader and JavaCPP look: LD_LIBRARY_PATH, java.library.path, the system's. */
    static List<Path> libraryDirs() {
        List<Path> dirs = new ArrayList<>();
        String[] lists = {
            System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path")
        };
        for (String list : lists) {
            if (list != null) {
                for (String dir : list.split(File.pathSeparator)) {
                    if (!dir.isBlank()) {
                        dirs.add(Path.of(dir));
                    }
                }
            }
        }
        SYSTEM_DIRS.forEach(dir -> dirs.add(Path.of(dir)));
        return List.copyOf(new LinkedHashSet<>(dirs));
    }

    private static Path find(String library, List<Path> dirs) {
        for (Path dir : dirs) {
            Path candidate = dir.resolve(library);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static List<String> deviceNodes(Path dev) {
        List<String> nodes = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dev, "nvidia[0-9]*")) {
            stream.forEach(node -> nodes.add(node.getFileName().toString()));
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        nodes.sort(null);
        return nodes;
    }
}
