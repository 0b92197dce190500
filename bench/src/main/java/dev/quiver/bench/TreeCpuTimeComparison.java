package dev.quiver.bench;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.ensemble.TreeEnsemble;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@link TreeEnsembleBenchmark}'s batch-10,000 comparison timed in thread CPU time, Quiver and
 * XGBoost ({@code inplace_predict}, {@code nthread=1}) alternating batch by batch in one JVM: on a
 * shared machine whose load moves a JMH fork's wall-clock rows/s by 2x within a minute, the ratio
 * of CPU seconds of the same work, taken seconds apart, is the steadier figure. Prints one line per
 * round after two warm-up rounds; the oracle directory is {@code quiver.oracles} as in the
 * benchmark.
 *
 * <pre>{@code
 * taskset -c 1 java -Dquiver.oracles=../shared/oracles -cp bench/target/benchmarks.jar \
 *     dev.quiver.bench.TreeCpuTimeComparison 7
 * }</pre>
 */
public final class TreeCpuTimeComparison {

    private static final int ROWS = 100_000;
    private static final int FEATURES = 30;
    private static final int BATCH = 10_000;

    private TreeCpuTimeComparison() {}

    /** Arguments: the number of rounds (default 7), each all 100,000 rows through both. */
    public static void main(String[] args) throws IOException, XGBoostError {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path oracles = Path.of(System.getProperty("quiver.oracles", "../shared/oracles"));
        byte[] modelBytes = Files.readAllBytes(oracles.resolve("xgb_synth_d6_100t.json"));
        float[] rows = new float[ROWS * FEATURES];
        ByteBuffer.wrap(Files.readAllBytes(oracles.resolve("xgb_synth_rows_100k.f32")))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(rows);
        float[][] batches = new float[ROWS / BATCH][];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = Arrays.copyOfRange(rows, b * BATCH * FEATURES, (b + 1) * BATCH * FEATURES);
        }
        TreeEnsemble model = EnsembleModels.fromXgboost(modelBytes);
        ScoreBuffer out = model.newBuffer(BATCH);
        Booster booster = XGBoost.loadModel(modelBytes);
        try {
            booster.setParams(Map.<String, Object>of("nthread", 1));
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            for (int round = -2; round < rounds; round++) {
                long quiverNanos = 0;
                long xgboostNanos = 0;
                for (float[] batch : batches) {
                    long start = cpu.getCurrentThreadCpuTime();
                    model.score(batch, BATCH, FEATURES, out);
                    long middle = cpu.getCurrentThreadCpuTime();
                    booster.inplace_predict(batch, BATCH, FEATURES, Float.NaN);
                    quiverNanos += middle - start;
                    xgboostNanos += cpu.getCurrentThreadCpuTime() - middle;
                }
                if (round >= 0) {
                    System.out.printf(
                            "round %d: Quiver %,.0f rows/CPU-s, XGBoost %,.0f rows/CPU-s, ratio %.2f%n",
                            round,
                            ROWS * 1e9 / quiverNanos,
                            ROWS * 1e9 / xgboostNanos,
                            (double) xgboostNanos / quiverNanos);
                }
            }
        } finally {
            booster.dispose();
        }
    }
}
