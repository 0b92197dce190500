package dev.quiver.bench.gpu;

import dev.quiver.compute.ComputeBackend;
import dev.quiver.compute.WalkBatch;
import dev.quiver.compute.WalkKernel;
import dev.quiver.compute.WalkLaw;
import dev.quiver.compute.WalkTallies;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

import static dev.quiver.bench.gpu.ReportTable.si;
import static dev.quiver.bench.gpu.ReportTable.times;
import static dev.quiver.bench.gpu.ReportTable.yesNo;

/**
 * Workload (b): random walks to their final position (no path statistics, no barrier) through
 * {@link WalkKernel#simulate}, for the fair ±1 law and the Gaussian law: steps per second on the
 * GPU and on the java backend, each at the largest size that fits its time box, and the tallies of
 * a small case compared bit for bit. The sizes grow by powers of four from a small start until one
 * call takes a second, so a slow kernel still finishes inside the box.
 */
final class WalkWorkload {

    private static final Logger LOG = LoggerFactory.getLogger(WalkWorkload.class);

    private static final double SIMPLE_TARGET = 1e12;
    private static final double GAUSSIAN_TARGET = 5e10;
    private static final double[] QUANTILES = {0.05, 0.5, 0.95};
    private static final long SEED = 20261207L;
    private static final int MAX_PATHS = 65_536;
    /**
     * Simulations per call: the cuda backend runs a call's simulations in one launch, so the GPU
     * is measured on many keys at once; the CPU's rate does not depend on the count.
     */
    private static final int GPU_SIMULATIONS = 1024;
    private static final int CPU_SIMULATIONS = 16;

    /** One measured call: its size and its time. */
    private record Timed(int count, int paths, int steps, double seconds) {
        double stepsPerSecond() {
            return (double) count * paths * steps / seconds;
        }

        String describe() {
            return String.format("%,d simulations x %,d paths x %,d steps in %s", count, paths,
                    steps, ReportTable.seconds(seconds));
        }
    }

    private final int maxSteps;

    /** {@code maxSteps}: the largest steps per path tried (the full check's is 2^20). */
    WalkWorkload(int maxSteps) {
        this.maxSteps = maxSteps;
    }

    ReportTable run(ComputeBackend gpu, ComputeBackend cpu, TimeBox box) {
        ReportTable table = new ReportTable("(b) Random walks, final position");
        table.servedBy("walks", gpu.walks().backend(), gpu.name());
        // Shapes only: the measurement sets paths and steps.
        WalkLaw simple = law(WalkLaw.Kind.SIMPLE, 1, 1, Double.NaN, false);
        WalkLaw gaussian = law(WalkLaw.Kind.GAUSSIAN, 1, 1, Double.NaN, false);
        measure(table, "±1 steps/s", simple, SIMPLE_TARGET, gpu, cpu, box.remaining() / 3);
        measure(table, "Gaussian steps/s", gaussian, GAUSSIAN_TARGET, gpu, cpu, box.remaining() / 2);
        identical(table, "±1 tallies (8 x 512 paths x 1,000 steps, barrier, path statistics)",
                law(WalkLaw.Kind.SIMPLE, 512, 1000, 12, true), 8, gpu, cpu);
        identical(table, "±1 tallies (8 x 4,096 paths x 4,096 steps, final position)",
                law(WalkLaw.Kind.SIMPLE, 4096, 4096, Double.NaN, false), 8, gpu, cpu);
        identical(table, "Gaussian tallies (8 x 512 paths x 1,000 steps, final position)",
                law(WalkLaw.Kind.GAUSSIAN, 512, 1000, Double.NaN, false), 8, gpu, cpu);
        identical(table, "Gaussian tallies (1,000 x 256 paths x 100 steps in one call)",
                law(WalkLaw.Kind.GAUSSIAN, 256, 100, Double.NaN, false), 1000, gpu, cpu);
        table.note("Steps/s: simulations x paths x steps over the wall-clock time of one simulate()"
                + " call (tallies copied back included), at the largest size reached by growing"
                + " steps and paths fourfold until a call took a second or the time box ended,"
                + " median of three calls at that size. Fair ±1 law (p = 0.5), Gaussian N(0, 1);"
                + " no barrier, no path statistics; " + GPU_SIMULATIONS + " simulations (distinct"
                + " keys) per GPU call, " + CPU_SIMULATIONS + " per CPU call. CPU: the java"
                + " backend on this machine, one thread.");
        table.note("Tallies: every field of WalkTallies (moments, quantiles 0.05/0.5/0.95,"
                + " histogram, path statistics) compared by their bits; seed " + SEED
                + ", key hashes and sequences per simulation.");
        return table;
    }

    private void measure(ReportTable table, String measure, WalkLaw shape, double target,
            ComputeBackend gpu, ComputeBackend cpu, double seconds) {
        try {
            measureRates(table, measure, shape, target, gpu, cpu, seconds);
        } catch (RuntimeException e) {
            LOG.error("{} failed", measure, e);
            table.check(measure, e.toString().replace('\n', ' '), "", "runs", false);
        }
    }

    private void measureRates(ReportTable table, String measure, WalkLaw shape, double target,
            ComputeBackend gpu, ComputeBackend cpu, double seconds) {
        Timed onGpu = fastest(gpu.walks(), shape, GPU_SIMULATIONS, seconds * 0.75);
        Timed onCpu = fastest(cpu.walks(), shape, CPU_SIMULATIONS, seconds * 0.25);
        LOG.info("{} on {}: {}; on {}: {}", measure, gpu.name(), onGpu.describe(), cpu.name(),
                onCpu.describe());
        table.row(measure, si(onGpu.stepsPerSecond()), si(onCpu.stepsPerSecond()), "",
                "GPU/CPU " + times(onGpu.stepsPerSecond() / onCpu.stepsPerSecond()),
                ">= " + si(target) + " steps/s", yesNo(onGpu.stepsPerSecond() >= target));
        table.note(measure + ": GPU " + onGpu.describe() + "; CPU " + onCpu.describe() + ".");
    }

    /** Grows the size until a call takes a second (or time runs out); median of 3 at the last. */
    private Timed fastest(WalkKernel kernel, WalkLaw shape, int count, double seconds) {
        TimeBox box = TimeBox.of(seconds);
        int paths = 1024;
        int steps = 1024;
        // Warm-up: module load and scratch allocation would make the first call look slow.
        call(kernel, shape, count, paths, steps);
        Timed last = call(kernel, shape, count, paths, steps);
        boolean growSteps = true;
        while (last.seconds() < 1 && steps < maxSteps) {
            // The next call takes about four times this one, and three more may follow it.
            if (!box.fits(last.seconds() * 4 * 3)) {
                break;
            }
            if (growSteps || paths >= MAX_PATHS) {
                steps = Math.min(maxSteps, steps * 4);
            } else {
                paths *= 4;
            }
            growSteps = !growSteps;
            last = call(kernel, shape, count, paths, steps);
        }
        if (box.fits(last.seconds() * 2)) {
            double[] times = {last.seconds(), call(kernel, shape, count, paths, steps).seconds(),
                    call(kernel, shape, count, paths, steps).seconds()};
            Arrays.sort(times);
            return new Timed(count, paths, steps, times[1]);
        }
        return last;
    }

    private static Timed call(WalkKernel kernel, WalkLaw shape, int count, int paths, int steps) {
        WalkLaw law = new WalkLaw(shape.kind(), shape.p(), shape.r(), shape.location(),
                shape.scale(), shape.dof(), steps, paths, shape.barrier(), shape.trackPaths(),
                shape.maxMemoryBytes());
        WalkTallies out = new WalkTallies(QUANTILES);
        Inputs in = new Inputs(count);
        long start = System.nanoTime();
        kernel.simulate(
                law,
                new WalkBatch(SEED, in.keyHashes, in.sequences, in.starts, count),
                out);
        return new Timed(count, paths, steps, TimeBox.since(start));
    }

    /** Per-simulation keys, sequences and starts: distinct streams, integer starts. */
    private static final class Inputs {
        final long[] keyHashes;
        final long[] sequences;
        final double[] starts;

        Inputs(int count) {
            keyHashes = new long[count];
            sequences = new long[count];
            starts = new double[count];
            for (int i = 0; i < count; i++) {
                keyHashes[i] = 0x9E3779B97F4A7C15L * (i + 1);
                sequences[i] = i % 3;
                starts[i] = i - count / 2;
            }
        }
    }

    private void identical(ReportTable table, String measure, WalkLaw law, int count,
            ComputeBackend gpu, ComputeBackend cpu) {
        Inputs in = new Inputs(count);
        WalkTallies onGpu = new WalkTallies(QUANTILES);
        WalkTallies onCpu = new WalkTallies(QUANTILES);
        String difference;
        try {
            gpu.walks().simulate(
                    law,
                    new WalkBatch(SEED, in.keyHashes, in.sequences, in.starts, count),
                    onGpu);
            cpu.walks().simulate(
                    law,
                    new WalkBatch(SEED, in.keyHashes, in.sequences, in.starts, count),
                    onCpu);
            difference = TallyComparison.firstDifference(onGpu, onCpu, QUANTILES.length);
        } catch (RuntimeException e) {
            LOG.error("{} failed", measure, e);
            difference = e.toString().replace('\n', ' ');
        }
        table.check(measure, difference == null ? "bit-identical" : difference, "reference",
                "bit-identical", difference == null);
    }

    /** The fair ±1 law (p = 0.5) or the standard Gaussian one, no memory bound. */
    private static WalkLaw law(WalkLaw.Kind kind, int paths, int steps, double barrier,
            boolean trackPaths) {
        boolean gaussian = kind == WalkLaw.Kind.GAUSSIAN;
        return new WalkLaw(kind, gaussian ? Double.NaN : 0.5, 0, 0, gaussian ? 1 : 0, Double.NaN,
                steps, paths, barrier, trackPaths, Long.MAX_VALUE);
    }
}
