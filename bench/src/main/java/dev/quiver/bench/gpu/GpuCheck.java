package dev.quiver.bench.gpu;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.ComputeBackends;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPU check's benchmark: the {@code cuda} compute backend against the {@code java} one on
 * three workloads (kNN, random walks, tree ensembles), each beside a roofline measured on the same
 * card, written as a Markdown report. Runs inside the GPU bundle ({@code bench/gpu}); its run.sh
 * calls it twice:
 *
 * <pre>{@code
 * GpuCheck probe                       # exit 0: a device; 3: none (the reason printed); 4: broken setup
 * GpuCheck run OUT_DIR ORACLES_DIR [JUNIT_REPORTS_DIR JUNIT_STATUS]
 *                                      # writes OUT_DIR/report.md; exit 0, or 2 if a workload failed
 * GpuCheck dry-run OUT_DIR ORACLES_DIR # the same report from the java backend at small sizes, no CUDA
 * }</pre>
 *
 * <p>Only the capability interfaces and {@link ComputeBackends#byName(String)} reach the backend,
 * so the check measures what a job gets; JavaCPP's CUDA bindings are used directly only for the
 * device's identity and the rooflines.
 */
public final class GpuCheck {

    private static final Logger LOG = LoggerFactory.getLogger(GpuCheck.class);

    /** Exit status: a workload could not run, or a correctness check failed. */
    static final int FAILED = 2;
    /** Exit status: no CUDA device or driver here. */
    static final int NO_DEVICE = 3;
    /** Exit status: a driver is there but the CUDA runtime could not be loaded, or bad usage. */
    static final int SETUP = 4;

    /** Seconds each workload may take; with the tests, the check fits the GPU machine's budget. */
    private static final double KNN_SECONDS = 110;
    private static final double WALK_SECONDS = 60;
    private static final double FOREST_SECONDS = 40;

    private GpuCheck() {}

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "";
        int status;
        switch (mode) {
            case "probe":
                status = probe();
                break;
            case "run":
            case "dry-run":
                if (args.length != 3 && args.length != 5) {
                    status = usage();
                    break;
                }
                Path junitReports = args.length == 5 ? Path.of(args[3]) : null;
                String junitStatus = args.length == 5 ? args[4] : null;
                status = run(mode.equals("dry-run"), Path.of(args[1]), Path.of(args[2]),
                        junitReports, junitStatus);
                break;
            default:
                status = usage();
        }
        System.exit(status);
    }

    private static int usage() {
        System.err.println("usage: GpuCheck probe | GpuCheck run|dry-run OUT_DIR ORACLES_DIR"
                + " [JUNIT_REPORTS_DIR JUNIT_STATUS]");
        return SETUP;
    }

    /**
     * Whether a CUDA device is usable. run.sh passes the driver library it found (or none) as
     * {@code quiver.gpu.driver}, so that a runtime that cannot load says "no CUDA device" where
     * there is no driver and "broken setup" where there is one.
     */
    static int probe() {
        String driver = System.getProperty("quiver.gpu.driver", "");
        String why;
        try {
            Loader.load(cudart.class);
            why = Cuda.whyNoDevice();
        } catch (LinkageError e) {
            if (!driver.isEmpty()) {
                System.out.println("CUDA driver " + driver + " found, but the CUDA runtime"
                        + " (libcudart.so.13) could not be loaded: " + causes(e));
                return SETUP;
            }
            why = "no NVIDIA driver (libcuda.so.1) and no loadable CUDA runtime (" + causes(e) + ")";
        }
        if (why != null) {
            System.out.println("no CUDA device: " + why);
            return NO_DEVICE;
        }
        System.out.println("CUDA device: " + Cuda.deviceInfo().describe());
        return 0;
    }

    /** The messages of {@code e} and its causes: JavaCPP's own names only its last attempt. */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            out.append("; caused by ").append(cause);
        }
        return out.toString();
    }

    private static int run(boolean dry, Path out, Path oracles, Path junitReports,
            String junitStatus) throws IOException {
        Files.createDirectories(out);
        StringBuilder report = new StringBuilder("# Quiver GPU check\n\n");
        report.append("- date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        String backendName = dry ? "java" : "cuda";
        double deviceBandwidth = 0;
        double hostToDevice = 0;
        if (dry) {
            report.append("- **dry run**: the java backend on both sides, small sizes, no CUDA;"
                    + " the figures say nothing about a GPU\n");
        } else {
            report.append("- card: ").append(Cuda.deviceInfo().describe()).append('\n')
                    .append("- CUDA libraries from: `")
                    .append(System.getenv().getOrDefault("LD_LIBRARY_PATH", ""))
                    .append("` (LD_LIBRARY_PATH as run.sh found them)\n");
            deviceBandwidth = Rooflines.deviceBandwidth(1L << 31);
            hostToDevice = Rooflines.pinnedHostToDeviceBandwidth(1L << 28);
            report.append("- device memory bandwidth: ").append(ReportTable.si(deviceBandwidth))
                    .append("B/s (device-to-device copy of 2 GiB, read plus written, median of 7)\n")
                    .append("- pinned host-to-device bandwidth: ").append(ReportTable.si(hostToDevice))
                    .append("B/s (256 MiB, median of 7)\n");
        }
        report.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" processors\n")
                .append("- bundle: ").append(System.getProperty("quiver.bundle.version", "unknown"))
                .append("\n\n");
        if (junitStatus != null) {
            report.append(JunitResults.markdown(JunitResults.read(junitReports),
                    "JUnit console exit status: " + junitStatus
                            + ("0".equals(junitStatus) ? " (passed)" : " (**failed**)")));
        }

        List<ReportTable> tables = new ArrayList<>();
        try (ComputeBackend cpu = ComputeBackends.byName("java")) {
            KnnWorkload knn = dry
                    ? new KnnWorkload(new KnnWorkload.Size(20_000, 128, 200, 10, 40, 5_000), false)
                    : new KnnWorkload(KnnWorkload.FULL, true);
            WalkWorkload walks = new WalkWorkload(dry ? 4096 : 1 << 20);
            ForestWorkload forests = new ForestWorkload(oracles, dry ? 20_000 : 1_000_000,
                    dry ? 5_000 : 20_000);
            tables.add(workload("(a) kNN", backendName,
                    gpu -> knn.run(gpu, cpu, TimeBox.of(dry ? 10 : KNN_SECONDS))));
            tables.add(workload("(b) Random walks", backendName,
                    gpu -> walks.run(gpu, cpu, TimeBox.of(dry ? 4 : WALK_SECONDS))));
            double bandwidth = deviceBandwidth;
            double pcie = hostToDevice;
            tables.add(workload("(c) Trees", backendName,
                    gpu -> forests.run(gpu, cpu, bandwidth, pcie,
                            TimeBox.of(dry ? 4 : FOREST_SECONDS))));
        }
        for (ReportTable table : tables) {
            report.append(table.markdown());
        }
        boolean failed = tables.stream().anyMatch(ReportTable::failed);
        report.append("Benchmark: ").append(failed ? "**failed** (see the tables above)" : "passed")
                .append(". Speed targets that are not met are reported, not failed.\n");
        Path file = out.resolve("report.md");
        Files.writeString(file, report, StandardCharsets.UTF_8);
        LOG.info("report written to {}", file);
        return failed ? FAILED : 0;
    }

    /** A workload against a freshly opened backend; any failure becomes the table's reason. */
    private interface Workload {
        ReportTable run(ComputeBackend gpu) throws IOException;
    }

    private static ReportTable workload(String title, String backendName, Workload workload) {
        long start = System.nanoTime();
        try (ComputeBackend gpu = ComputeBackends.byName(backendName)) {
            ReportTable table = workload.run(gpu);
            LOG.info("{} done in {}", title, ReportTable.seconds(TimeBox.since(start)));
            return table;
        } catch (RuntimeException | IOException | OutOfMemoryError e) {
            LOG.error("{} failed", title, e);
            return new ReportTable(title).fail(e.toString().replace('\n', ' '));
        }
    }
}
