package dev.quiver.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Reads the kNN datasets that {@code bench/peers/make_data.py} writes, so that the Java benchmarks
 * and the peers (scikit-learn, nanoflann, numpy) answer the same queries over the same points.
 *
 * <p>Every file is raw little-endian {@code float32}, row-major, with no header; its shape follows
 * from its name:
 *
 * <pre>
 * {data}_n{n}_d{d}_points.f32    n       x d   indexed points
 * {data}_n{n}_d{d}_queries.f32   10,000  x d   queries
 * {data}_n{n}_d{d}_stream.f32    n / 10  x d   extra points for the mixed query/insert stream
 * {data}_n{n}_d{d}_sklearn_k10_first100.i32    int32, 100 x 10: scikit-learn's neighbour rows
 *                                              of the first 100 queries (optional; written by
 *                                              sklearn_kdtree.py)
 * </pre>
 *
 * The directory is the system property {@code quiver.bench.data} (JMH passes the launching JVM's
 * {@code -D} options on to its forks), by default {@code bench/target/knn-data} relative to the
 * working directory. A missing file is an error whose message says how to generate it: the
 * benchmarks never generate data themselves, since then they would not be the peers' data.
 *
 * <pre>{@code
 * KnnDataFiles files = KnnDataFiles.fromSystemProperty();
 * float[] points = files.points("uniform", 1_000_000, 3); // 3,000,000 floats
 * }</pre>
 */
final class KnnDataFiles {

    /** The system property naming the data directory. */
    static final String DATA_PROPERTY = "quiver.bench.data";

    /** The data directory when the property is not set, relative to the working directory. */
    static final String DEFAULT_DIRECTORY = "bench/target/knn-data";

    /** Query rows per dataset, as make_data.py writes them. */
    static final int QUERY_COUNT = 10_000;

    /** Queries whose scikit-learn neighbours sklearn_kdtree.py writes for cross-checking. */
    static final int CHECKED_QUERIES = 100;

    private final Path directory;

    KnnDataFiles(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** The directory named by {@value #DATA_PROPERTY}, else {@value #DEFAULT_DIRECTORY}. */
    static KnnDataFiles fromSystemProperty() {
        return new KnnDataFiles(Paths.get(System.getProperty(DATA_PROPERTY, DEFAULT_DIRECTORY)));
    }

    Path directory() {
        return directory;
    }

    /** The {@code n x d} indexed points, row-major. */
    float[] points(String data, int n, int d) {
        return readFloats(data, n, d, "_points.f32", n);
    }

    /** The {@value #QUERY_COUNT} queries, row-major. */
    float[] queries(String data, int n, int d) {
        return readFloats(data, n, d, "_queries.f32", QUERY_COUNT);
    }

    /** The {@code n / 10} extra points of the mixed stream, row-major. */
    float[] stream(String data, int n, int d) {
        return readFloats(data, n, d, "_stream.f32", n / 10);
    }

    /**
     * scikit-learn's neighbour rows (point numbers, nearest first) of the first {@value
     * #CHECKED_QUERIES} queries, {@code k} per query; null when sklearn_kdtree.py has not run.
     */
    int[] sklearnNeighbors(String data, int n, int d, int k) {
        Path path =
                directory.resolve(
                        stem(data, n, d) + "_sklearn_k" + k + "_first" + CHECKED_QUERIES + ".i32");
        if (!Files.exists(path)) {
            return null;
        }
        int[] rows = new int[CHECKED_QUERIES * k];
        mapChecked(path, (long) rows.length * Integer.BYTES, data, n, d).asIntBuffer().get(rows);
        return rows;
    }

    private static String stem(String data, int n, int d) {
        return data + "_n" + n + "_d" + d;
    }

    private float[] readFloats(String data, int n, int d, String suffix, int rows) {
        long floats = (long) rows * d;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    stem(data, n, d)
                            + suffix
                            + ": "
                            + floats
                            + " floats do not fit one Java array");
        }
        float[] values = new float[(int) floats];
        Path path = directory.resolve(stem(data, n, d) + suffix);
        mapChecked(path, floats * Float.BYTES, data, n, d).asFloatBuffer().get(values);
        return values;
    }

    private MappedByteBuffer mapChecked(Path path, long expectedBytes, String data, int n, int d) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(
                    "missing "
                            + path
                            + ": the kNN benchmarks read the peers' datasets and never generate"
                            + " their own; run\n  /usr/bin/python3 bench/peers/make_data.py "
                            + directory
                            + " --data "
                            + data
                            + " --n "
                            + n
                            + " --d "
                            + d
                            + "\n(or bench/peers/run_peers.sh), or point -D"
                            + DATA_PROPERTY
                            + "=DIR at the directory that holds them");
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != expectedBytes) {
                throw new IllegalStateException(
                        path
                                + " has "
                                + size
                                + " bytes, expected "
                                + expectedBytes
                                + "; regenerate it with bench/peers/make_data.py --force");
            }
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            return buffer;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
