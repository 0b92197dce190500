package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * A simulator short of memory runs real-valued walks in passes and gets every statistic of the
 * simulation in memory, bit for bit; its memory estimate covers what a simulation allocates; what
 * fits neither way is refused.
 */
class SimulationInPassesTest {

    private static final long SEED = 20_261_207L;

    /**
     * Enough paths that passes need less memory than the paths' values, so a budget of the passes'
     * estimate forces them: the Gaussian fast path for final positions, path statistics with a
     * barrier (one step: half the maxima are exactly 0), Student-t steps (the posterior walk's law).
     */
    private static final List<WalkSpec> REAL_VALUED =
            List.of(
                    WalkSpec.finalPositions(WalkModel.gaussian(0.1, 2), 3, 300_000),
                    new WalkSpec(WalkModel.gaussian(0, 1), 1, 300_000, 1, WalkSpec.Track.PATH),
                    new WalkSpec(WalkModel.gaussian(-0.2, 1), 7, 300_000, -2, WalkSpec.Track.PATH),
                    WalkSpec.finalPositions(WalkModel.studentT(0.3, 1.5, 4), 2, 300_000),
                    new WalkSpec(
                            WalkModel.studentT(0, 1, 2.5), 5, 300_000, 1.5, WalkSpec.Track.PATH));

    /** Lattice walks keep counts per level and step, never per path. */
    private static final List<WalkSpec> LATTICE =
            List.of(
                    new WalkSpec(WalkModel.simple(0.5), 300, 2_000, 6, WalkSpec.Track.PATH),
                    new WalkSpec(WalkModel.simple(0.4), 50, 2_000, -3, WalkSpec.Track.PATH),
                    new WalkSpec(WalkModel.lazy(0.3, 0.5), 80, 2_000, 4, WalkSpec.Track.PATH),
                    WalkSpec.finalPositions(WalkModel.lazy(0.5, 0.6), 100, 2_000));

    @Test
    void realValuedWalksInPassesEqualTheWalksInMemoryBitForBit() {
        for (WalkSpec spec : REAL_VALUED) {
            long budget = WalkMemory.inPassesBytes(spec);
            assertThat(WalkMemory.runsInPasses(spec, budget)).as("%s in passes", spec).isTrue();
            WalkResult inPasses = assertSameAsWithoutBudget(spec, budget);
            assertThatThrownBy(() -> inPasses.quantile(0.9))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("keeps the quantiles of [0.01, 0.05");
        }
    }

    @Test
    void latticeWalksRunInMemoryWithinTheirEstimateAndNotBelowIt() {
        for (WalkSpec spec : LATTICE) {
            long needed = WalkMemory.inMemoryBytes(spec);
            assertThat(WalkMemory.leastBytes(spec)).isEqualTo(needed);
            assertSameAsWithoutBudget(spec, needed);
            assertThatThrownBy(
                            () ->
                                    Simulations.simulate(
                                            new JavaWalkSimulator(needed - 1),
                                            spec,
                                            SEED,
                                            "k",
                                            5,
                                            100.0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs at least " + needed + " bytes");
        }
    }

    /** A simulation by a simulator of this budget, checked against one without a budget. */
    private static WalkResult assertSameAsWithoutBudget(WalkSpec spec, long budget) {
        WalkResult unbounded = Simulations.simulate(spec, SEED, "k", 5, 100.0);
        WalkResult bounded =
                Simulations.simulate(new JavaWalkSimulator(budget), spec, SEED, "k", 5, 100.0);
        assertThat(Simulations.fingerprint(bounded))
                .as("%s with a budget of %d bytes", spec, budget)
                .isEqualTo(Simulations.fingerprint(unbounded));
        return bounded;
    }

    /**
     * The estimate against the bytes the simulating thread allocates for a fresh simulator and
     * result: never less, and no more than twice (the arrays are most of it).
     */
    @Test
    void aSimulationAllocatesAtMostItsEstimate() {
        List<WalkSpec> specs =
                List.of(
                        REAL_VALUED.get(1),
                        REAL_VALUED.get(4),
                        new WalkSpec(WalkModel.simple(0.5), 20_000, 50, 6, WalkSpec.Track.PATH),
                        WalkSpec.finalPositions(WalkModel.lazy(0.5, 0.5), 50_000, 20));
        for (WalkSpec spec : specs) {
            // Class initialisation (the ziggurat's and the byte tables') is not the simulation's.
            Simulations.simulate(
                    new WalkSpec(spec.model(), 3, 10, spec.barrier(), spec.track()),
                    SEED,
                    "warm",
                    0,
                    0);
            for (long budget : new long[] {Long.MAX_VALUE, WalkMemory.leastBytes(spec)}) {
                boolean inPasses = WalkMemory.runsInPasses(spec, budget);
                long estimate =
                        inPasses ? WalkMemory.inPassesBytes(spec) : WalkMemory.inMemoryBytes(spec);
                long before = allocatedBytes();
                Simulations.simulate(new JavaWalkSimulator(budget), spec, SEED, "k", 5, 100.0);
                long allocated = allocatedBytes() - before;
                assertThat(allocated)
                        .as("%s, in passes %s", spec, inPasses)
                        .isLessThanOrEqualTo(estimate)
                        .isGreaterThan(estimate / 2);
            }
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }
}
