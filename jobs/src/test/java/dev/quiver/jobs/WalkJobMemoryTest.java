package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.cli.QuiverCli;
import dev.quiver.compute.WalkBatch;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.schema.HistogramBin;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.JavaWalkSimulator;
import dev.quiver.walk.WalkExact;
import dev.quiver.walk.WalkMemory;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkResult;
import dev.quiver.walk.WalkSpec;
import dev.quiver.walk.WalkStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The walk job on simulations larger than its heap allows in memory: the CLI in a child JVM of
 * {@value #HEAP_MB} MiB runs a Gaussian walk with a barrier over four keys at parallelism 2, each
 * simulation of {@value #PATHS} paths needing 16 bytes a path (final position and maximum) if kept:
 * two at a time need more than the whole heap (before the fix, the job died of it with no result).
 * Under the default {@code --max-memory-mb} every simulation runs in
 * passes, and each key's summary must equal the kernel's in-memory simulation bit for bit.
 */
class WalkJobMemoryTest {

    private static final int HEAP_MB = 128;
    private static final int PATHS = 5_000_000;
    private static final double BARRIER = 1;
    private static final List<String> KEYS = List.of("k-a", "k-b", "k-c", "k-d");

    @Test
    void simulationsBeyondTheHeapRunInPassesAndEveryKeyGetsTheInMemorySummary(@TempDir Path dir)
            throws Exception {
        WalkSpec spec =
                new WalkSpec(WalkModel.gaussian(0, 1), 1, PATHS, BARRIER, WalkSpec.Track.PATH);
        assertThat(2 * WalkMemory.inMemoryBytes(spec)).isGreaterThan((long) HEAP_MB << 20);

        List<String> lines = new ArrayList<>();
        for (int i = 0; i < KEYS.size(); i++) {
            lines.add(
                    "{\"id\":\"o"
                            + i
                            + "\",\"key\":\""
                            + KEYS.get(i)
                            + "\",\"ts\":1700000000000,\"value\":"
                            + 10 * i
                            + "}");
        }
        Path input = Files.write(dir.resolve("w4.ndjson"), lines);
        Path output = dir.resolve("out.ndjson");
        ChildJvm.runToSuccess(
                dir,
                List.of("-Xmx" + HEAP_MB + "m"),
                System.getProperty("java.class.path"),
                QuiverCli.class.getName(),
                WalkJobEndToEndTest.fileRunArguments(
                        input,
                        output,
                        "2",
                        "--model",
                        "gaussian",
                        "--steps",
                        "1",
                        "--paths",
                        Integer.toString(PATHS),
                        "--barrier",
                        Double.toString(BARRIER)));
        assertThat(Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString()))))
                .isEmpty();

        Map<String, WalkSummary> byKey = summariesByKey(output);
        assertThat(byKey.keySet()).containsExactlyElementsOf(KEYS);
        JavaWalkSimulator inMemory = new JavaWalkSimulator();
        WalkResult expected = new WalkResult();
        for (int i = 0; i < KEYS.size(); i++) {
            inMemory.simulate(
                    spec,
                    new WalkBatch(
                            0L,
                            new long[] {WalkStream.keyHash(KEYS.get(i))},
                            new long[] {0L},
                            new double[] {10 * i},
                            1),
                    new WalkResult[] {expected});
            assertSameStatistics(byKey.get(KEYS.get(i)), expected);
        }
    }

    private static void assertSameStatistics(WalkSummary summary, WalkResult expected) {
        String key = summary.getKey();
        assertThat(summary.getPaths()).isEqualTo(PATHS);
        assertThat(bits(summary.getMean())).as("mean of %s", key).isEqualTo(bits(expected.mean()));
        assertThat(bits(summary.getVariance()))
                .as("variance of %s", key)
                .isEqualTo(bits(expected.variance()));
        assertThat(bits(summary.getHitProbability()))
                .as("hit probability of %s", key)
                .isEqualTo(bits(expected.hitProbability()));
        for (double probability : WalkExact.QUANTILE_PROBABILITIES) {
            assertThat(bits(summary.getQuantiles().get(Double.toString(probability))))
                    .as("quantile %s of %s", probability, key)
                    .isEqualTo(bits(expected.quantile(probability)));
        }
        assertThat(bits(summary.getSimulated().get("maximumMean")))
                .as("maximum mean of %s", key)
                .isEqualTo(bits(expected.start() + expected.maximumMean()));
        List<HistogramBin> bins = summary.getHistogram();
        assertThat(bins).hasSize(expected.binCount());
        for (int b = 0; b < bins.size(); b++) {
            assertThat(bits(bins.get(b).getPosition())).isEqualTo(bits(expected.binLevel(b)));
            assertThat(bins.get(b).getCount()).isEqualTo(expected.binPaths(b));
        }
    }

    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }

    private static Map<String, WalkSummary> summariesByKey(Path output) throws IOException {
        NdjsonCodec<WalkSummary> codec = NdjsonCodec.of(WalkSummary.class);
        Map<String, WalkSummary> byKey = new TreeMap<>();
        for (String line : Files.readAllLines(output)) {
            try {
                WalkSummary summary = codec.decode(line);
                assertThat(byKey.put(summary.getKey(), summary)).as("one summary a key").isNull();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return byKey;
    }
}
