package dev.quiver.bench;

import dev.quiver.ensemble.EnsembleModels;
import dev.quiver.ensemble.ScoreBuffer;
import dev.quiver.ensemble.TreeEnsemble;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Rows per second of Quiver's {@link TreeEnsemble} and of XGBoost's own predictor (xgboost4j 3.4.0,
 * {@code nthread=1}) for the same model and rows: {@code xgb_synth_d6_100t.json} (100 trees of
 * depth 6 on 30 features, {@code binary:logistic}) over its 100,000 rows, in batches of 1, 100 and
 * 10,000 rows. Each benchmark walks through the rows batch by batch, so every batch is new data.
 *
 * <p>XGBoost is measured with {@code inplace_predict} on the float array, what a JVM caller does
 * per batch (copy in, predict, copy out). {@code predict} on a {@code DMatrix} built in setup is
 * not a fair peer: XGBoost caches predictions per {@code DMatrix}, so cycling through prebuilt
 * matrices measures its cache (15 million rows/s at batch 10,000 in a trial run). Setup checks that
 * XGBoost and Quiver agree on the first 1,000 rows within 1e-6.
 *
 * <p>The oracle directory is the system property {@code quiver.oracles}, by default {@code
 * ../shared/oracles} relative to the working directory (the checkout's root).
 *
 * <pre>{@code
 * java -Dquiver.oracles=../shared/oracles -jar bench/target/benchmarks.jar TreeEnsembleBenchmark \
 *     -f 1 -wi 2 -i 3 -w 1 -r 1
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class TreeEnsembleBenchmark {

    private static final int ROWS = 100_000;
    private static final int FEATURES = 30;

    private float[] rows;
    private TreeEnsemble model;
    private Booster booster;
    private ScoreBuffer out;
    private float[][] batchOf1;
    private float[][] batchOf100;
    private float[][] batchOf10000;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() throws IOException, XGBoostError {
        Path oracles = Path.of(System.getProperty("quiver.oracles", "../shared/oracles"));
        byte[] modelBytes = Files.readAllBytes(oracles.resolve("xgb_synth_d6_100t.json"));
        ByteBuffer raw =
                ByteBuffer.wrap(Files.readAllBytes(oracles.resolve("xgb_synth_rows_100k.f32")))
                        .order(ByteOrder.LITTLE_ENDIAN);
        rows = new float[ROWS * FEATURES];
        raw.asFloatBuffer().get(rows);
        model = EnsembleModels.fromXgboost(modelBytes);
        out = model.newBuffer(10_000);
        booster = XGBoost.loadModel(modelBytes);
        Map<String, Object> oneThread = new HashMap<>();
        oneThread.put("nthread", 1);
        booster.setParams(oneThread);

        batchOf1 = slices(1);
        batchOf100 = slices(100);
        batchOf10000 = slices(10_000);
        checkAgreement();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        booster.dispose();
    }

    private float[][] slices(int batch) {
        float[][] slices = new float[ROWS / batch][];
        for (int b = 0; b < slices.length; b++) {
            slices[b] = Arrays.copyOfRange(rows, b * batch * FEATURES, (b + 1) * batch * FEATURES);
        }
        return slices;
    }

    private void checkAgreement() throws XGBoostError {
        float[][] inplace = booster.inplace_predict(batchOf10000[0], 10_000, FEATURES, Float.NaN);
        model.score(batchOf10000[0], 10_000, FEATURES, out);
        for (int r = 0; r < 1_000; r++) {
            double quiver = out.prediction(r);
            if (Math.abs(quiver - inplace[r][0]) > 1e-6) {
                throw new IllegalStateException(
                        "row " + r + ": Quiver " + quiver + ", XGBoost " + inplace[r][0]);
            }
        }
    }

    private double quiver(float[][] batches, int batch) {
        float[] block = batches[cursor];
        cursor = (cursor + 1) % batches.length;
        model.score(block, batch, FEATURES, out);
        return out.prediction(batch - 1);
    }

    private float inplace(float[][] batches, int batch) throws XGBoostError {
        float[] block = batches[cursor];
        cursor = (cursor + 1) % batches.length;
        return booster.inplace_predict(block, batch, FEATURES, Float.NaN)[batch - 1][0];
    }

    @Benchmark
    public double quiverBatch1() {
        return quiver(batchOf1, 1);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public double quiverBatch100() {
        return quiver(batchOf100, 100);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public double quiverBatch10000() {
        return quiver(batchOf10000, 10_000);
    }

    @Benchmark
    public float xgboostInplaceBatch1() throws XGBoostError {
        return inplace(batchOf1, 1);
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public float xgboostInplaceBatch100() throws XGBoostError {
        return inplace(batchOf100, 100);
    }

    @Benchmark
    @OperationsPerInvocation(10_000)
    public float xgboostInplaceBatch10000() throws XGBoostError {
        return inplace(batchOf10000, 10_000);
    }
}
