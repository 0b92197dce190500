package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.WalkBatch;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Reproducibility of the simulator and the checks on its inputs. */
class JavaWalkSimulatorTest {

    private static final long SEED = 20_251_127L;

    private static final WalkSpec[] SPECS = {
        new WalkSpec(WalkModel.simple(0.5), 130, 300, 4, WalkSpec.Track.PATH),
        WalkSpec.finalPositions(WalkModel.simple(0.5), 1000, 300),
        new WalkSpec(WalkModel.simple(0.3), 77, 300, -2, WalkSpec.Track.PATH),
        new WalkSpec(WalkModel.lazy(0.5, 0.5), 50, 300, Double.NaN, WalkSpec.Track.PATH),
        new WalkSpec(WalkModel.gaussian(0.1, 2), 60, 300, 3.5, WalkSpec.Track.PATH),
        // Longer than one pass of lanes: the final-position sum goes chunk by chunk.
        new WalkSpec(
                WalkModel.gaussian(-0.05, 1),
                2 * 4 * WalkStream.CHUNK_BLOCKS + 3,
                20,
                -20,
                WalkSpec.Track.PATH),
        new WalkSpec(WalkModel.studentT(0, 1, 2.5), 40, 300, -1.5, WalkSpec.Track.PATH),
    };

    private static final String[] KEYS = {"a", "b", "ad-7", "", "ключ"};
    private static final long[] SEQUENCES = {0, 1, 5, 1L << 40, -1};
    private static final double[] STARTS = {0, 10.5, -3, 1e6, 2};

    private static WalkResult[] fresh(int count) {
        WalkResult[] out = new WalkResult[count];
        for (int i = 0; i < count; i++) {
            out[i] = new WalkResult();
        }
        return out;
    }

    private static long[] hashes(String[] keys) {
        long[] hashes = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            hashes[i] = WalkStream.keyHash(keys[i]);
        }
        return hashes;
    }

    @Test
    void resultsDoNotDependOnTheBatchAroundThem() {
        for (WalkSpec spec : SPECS) {
            int count = KEYS.length;
            WalkResult[] batch = fresh(count);
            new JavaWalkSimulator()
                    .simulate(
                            spec,
                            new WalkBatch(SEED, hashes(KEYS), SEQUENCES, STARTS, count),
                            batch);

            long[] reversedHashes = new long[count];
            long[] reversedSequences = new long[count];
            double[] reversedStarts = new double[count];
            for (int i = 0; i < count; i++) {
                reversedHashes[i] = WalkStream.keyHash(KEYS[count - 1 - i]);
                reversedSequences[i] = SEQUENCES[count - 1 - i];
                reversedStarts[i] = STARTS[count - 1 - i];
            }
            WalkResult[] reversed = fresh(count);
            new JavaWalkSimulator()
                    .simulate(
                            spec,
                            new WalkBatch(
                                    SEED,
                                    reversedHashes,
                                    reversedSequences,
                                    reversedStarts,
                                    count),
                            reversed);

            // One simulator reused for singles, after the batch, into one reused result.
            JavaWalkSimulator reused = new JavaWalkSimulator();
            WalkResult single = new WalkResult();
            for (int i = 0; i < count; i++) {
                reused.simulate(
                        spec,
                        new WalkBatch(
                                SEED,
                                new long[] {WalkStream.keyHash(KEYS[i])},
                                new long[] {SEQUENCES[i]},
                                new double[] {STARTS[i]},
                                1),
                        new WalkResult[] {single});
                List<Long> expected = Simulations.fingerprint(single);
                assertThat(Simulations.fingerprint(batch[i]))
                        .as("%s key %s", spec, KEYS[i])
                        .isEqualTo(expected);
                assertThat(Simulations.fingerprint(reversed[count - 1 - i])).isEqualTo(expected);
            }
        }
    }

    @Test
    void aResultReusedAfterALargerSimulationEqualsAFreshOne() {
        JavaWalkSimulator simulator = new JavaWalkSimulator();
        WalkResult reused = new WalkResult();
        WalkSpec small = SPECS[0];
        WalkSpec large = new WalkSpec(WalkModel.simple(0.5), 2000, 500, 30, WalkSpec.Track.PATH);
        long[] key = {WalkStream.keyHash("k")};
        simulator.simulate(
                large,
                new WalkBatch(SEED, key, new long[] {3}, new double[] {0}, 1),
                new WalkResult[] {reused});
        simulator.simulate(
                small,
                new WalkBatch(SEED, key, new long[] {3}, new double[] {0}, 1),
                new WalkResult[] {reused});
        WalkResult fresh = Simulations.simulate(small, SEED, "k", 3, 0);
        assertThat(Simulations.fingerprint(reused)).isEqualTo(Simulations.fingerprint(fresh));
    }

    /**
     * The fair walk's fast path (paths filled many at a time, bit counts, byte tables) against the
     * definition: each path's words from its own stream, one {@link LatticePath#step} per bit.
     * Lengths cover a partial last word and byte, and paths too long to be filled together.
     */
    @Test
    void fairWalksAreTheStepsOfEachPathsOwnBits() {
        long keyHash = WalkStream.keyHash("fair");
        long streamKey = WalkStream.streamKey(SEED, keyHash);
        for (int n : new int[] {1, 63, 64, 203, 4096, 40_000}) {
            int paths = n > 10_000 ? 3 : 37;
            WalkSpec spec = new WalkSpec(WalkModel.simple(0.5), n, paths, 3, WalkSpec.Track.PATH);
            WalkResult[] out = fresh(1);
            new JavaWalkSimulator()
                    .simulate(
                            spec,
                            new WalkBatch(
                                    SEED,
                                    new long[] {keyHash},
                                    new long[] {6},
                                    new double[] {0},
                                    1),
                            out);
            long[] finals = new long[2 * n + 1];
            long[] maxima = new long[n + 1];
            long[] passages = new long[n + 1];
            long[] returns = new long[n + 1];
            long[] above = new long[n + 1];
            WalkStream stream = new WalkStream();
            LatticePath path = new LatticePath();
            int pathWords = (n + 63) / 64;
            long[] words = new long[pathWords + 1];
            for (int p = 0; p < paths; p++) {
                stream.reset(streamKey, 6, p, 1);
                stream.fillWords(words, 0, pathWords);
                path.reset(3);
                for (int t = 0; t < n; t++) {
                    path.step((int) (words[t >>> 6] >>> (t & 63) & 1) * 2 - 1);
                }
                finals[path.position + n]++;
                maxima[path.maximum]++;
                passages[Math.max(0, path.passage)]++;
                returns[path.firstReturn]++;
                above[path.above]++;
            }
            WalkResult r = out[0];
            assertThat(r.maximumCount(0)).isEqualTo(maxima[0]);
            for (int k = -n; k <= n; k++) {
                assertThat(r.finalCount(k)).as("n %d, S_n = %d", n, k).isEqualTo(finals[k + n]);
            }
            for (int t = 1; t <= n; t++) {
                assertThat(r.maximumCount(t)).as("n %d, max %d", n, t).isEqualTo(maxima[t]);
                assertThat(r.passageCount(t)).as("n %d, passage %d", n, t).isEqualTo(passages[t]);
                assertThat(r.returnCount(t)).as("n %d, return %d", n, t).isEqualTo(returns[t]);
            }
            for (int k = 0; k <= n; k++) {
                assertThat(r.aboveCount(k)).as("n %d, above %d", n, k).isEqualTo(above[k]);
            }
        }
    }

    /** FINAL and PATH tracking read the same words, so their final positions are identical. */
    @Test
    void trackingPathsChangesNoFinalPosition() {
        for (WalkSpec spec : SPECS) {
            WalkSpec finalOnly = WalkSpec.finalPositions(spec.model(), spec.steps(), spec.paths());
            WalkSpec tracked =
                    new WalkSpec(
                            spec.model(),
                            spec.steps(),
                            spec.paths(),
                            spec.barrier(),
                            WalkSpec.Track.PATH);
            WalkResult a = Simulations.simulate(finalOnly, SEED, "x", 9, 1.5);
            WalkResult b = Simulations.simulate(tracked, SEED, "x", 9, 1.5);
            assertThat(b.mean()).isEqualTo(a.mean());
            assertThat(b.variance()).isEqualTo(a.variance());
            assertThat(b.binCount()).isEqualTo(a.binCount());
            for (int i = 0; i < a.binCount(); i++) {
                assertThat(b.binPaths(i)).isEqualTo(a.binPaths(i));
                assertThat(b.binLevel(i)).isEqualTo(a.binLevel(i));
            }
        }
    }

    @Test
    void everyCoordinateChangesTheResult() {
        WalkSpec spec = SPECS[0];
        List<Long> base = Simulations.fingerprint(Simulations.simulate(spec, SEED, "k", 0, 0));
        assertThat(Simulations.fingerprint(Simulations.simulate(spec, SEED + 1, "k", 0, 0)))
                .isNotEqualTo(base);
        assertThat(Simulations.fingerprint(Simulations.simulate(spec, SEED, "l", 0, 0)))
                .isNotEqualTo(base);
        assertThat(Simulations.fingerprint(Simulations.simulate(spec, SEED, "k", 1, 0)))
                .isNotEqualTo(base);
        WalkResult shifted = Simulations.simulate(spec, SEED, "k", 0, 10);
        WalkResult unshifted = Simulations.simulate(spec, SEED, "k", 0, 0);
        assertThat(shifted.quantile(0.5)).isEqualTo(unshifted.quantile(0.5) + 10);
        assertThat(shifted.hitProbability()).isEqualTo(unshifted.hitProbability());
    }

    @Test
    void histogramLevelsAreAbsoluteAndCountEveryPath() {
        WalkResult result = Simulations.simulate(SPECS[0], SEED, "k", 0, 1000);
        long total = 0;
        for (int i = 0; i < result.binCount(); i++) {
            assertThat(result.binLevel(i)).isBetween(1000.0 - 130, 1000.0 + 130);
            assertThat((result.binLevel(i) - 1000) % 2).isZero(); // 130 steps: even positions
            if (i > 0) {
                assertThat(result.binLevel(i)).isGreaterThan(result.binLevel(i - 1));
            }
            total += result.binPaths(i);
        }
        assertThat(total).isEqualTo(300);
        WalkResult gauss = Simulations.simulate(SPECS[4], SEED, "k", 0, 0);
        long gaussTotal = 0;
        for (int i = 0; i < gauss.binCount(); i++) {
            gaussTotal += gauss.binPaths(i);
        }
        assertThat(gauss.binCount()).isEqualTo(WalkResult.CONTINUOUS_BINS);
        assertThat(gaussTotal).isEqualTo(300);
    }

    @Test
    void finalOnlyResultsReportNoPathStatistics() {
        WalkResult result = Simulations.simulate(SPECS[1], SEED, "k", 0, 0);
        assertThat(result.hitProbability()).isNaN();
        assertThat(result.returnProbability()).isNaN();
        assertThat(result.maximumMean()).isNaN();
        assertThatThrownBy(() -> result.maximumCount(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new WalkResult().mean())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no simulation");
    }

    @Test
    void badInputsAreRejectedWithTheirValue() {
        JavaWalkSimulator simulator = new JavaWalkSimulator();
        assertThatThrownBy(
                        () ->
                                simulator.simulate(
                                        SPECS[0],
                                        new WalkBatch(
                                                SEED,
                                                new long[1],
                                                new long[1],
                                                new double[] {Double.NaN},
                                                1),
                                        fresh(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(
                        () ->
                                simulator.simulate(
                                        SPECS[0],
                                        new WalkBatch(
                                                SEED,
                                                new long[1],
                                                new long[2],
                                                new double[2],
                                                2),
                                        fresh(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count = 2");
        assertThatThrownBy(
                        () ->
                                new WalkSpec(
                                        WalkModel.simple(0.5),
                                        0,
                                        1,
                                        Double.NaN,
                                        WalkSpec.Track.FINAL))
                .hasMessageContaining("got 0");
        assertThatThrownBy(
                        () -> new WalkSpec(WalkModel.simple(0.5), 10, 1, 2.5, WalkSpec.Track.PATH))
                .hasMessageContaining("integer, got 2.5");
        assertThatThrownBy(
                        () -> new WalkSpec(WalkModel.gaussian(0, 1), 10, 1, 0, WalkSpec.Track.PATH))
                .hasMessageContaining("nonzero");
        assertThatThrownBy(() -> WalkModel.simple(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> WalkModel.lazy(1, 0.5)).hasMessageContaining("got 1.0");
        assertThatThrownBy(() -> WalkModel.gaussian(0, -1)).hasMessageContaining("-1.0");
        assertThatThrownBy(() -> WalkModel.studentT(0, 1, 0)).hasMessageContaining("got 0.0");
    }

    @Test
    void degenerateWalksAreDeterministic() {
        WalkResult up =
                Simulations.simulate(
                        new WalkSpec(WalkModel.simple(1), 10, 50, 3, WalkSpec.Track.PATH),
                        SEED,
                        "k",
                        0,
                        0);
        assertThat(up.mean()).isEqualTo(10.0);
        assertThat(up.variance()).isZero();
        assertThat(up.passageCount(3)).isEqualTo(50);
        WalkExact exact = WalkExact.of(up.spec());
        for (WalkEstimate estimate : exact.estimates(up)) {
            if (Double.isNaN(estimate.exact())) {
                continue;
            }
            if (Double.isNaN(estimate.standardError())) {
                assertThat(estimate.simulated()).as(estimate.name()).isEqualTo(estimate.exact());
            } else {
                assertThat(estimate.zScore()).as(estimate.name()).isZero();
            }
        }
    }
}
