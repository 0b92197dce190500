package dev.quiver.knn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Golden bytes of the match operator's point state (what {@link PointStateFormat} writes for each
 * indexed point): one file per shipped serial version under src/test/resources/dev/quiver/knn/,
 * named {@code point_v<version>.bin}. The sample below is what the current version's file was
 * written from (by {@link PointGoldenBytesWriter}, which writes only missing files); never rewrite
 * a shipped file. When the serial version changes, add its new file and keep a test that the old
 * one still restores.
 */
final class PointGoldenBytes {

    static final String DIRECTORY = "dev/quiver/knn/";

    /** Format name of an indexed point in the golden file names. */
    static final String FORMAT = "point";

    private PointGoldenBytes() {}

    /** A point as it goes into state: its event time and its vector as received. */
    record Sample(long ts, float[] vector) {
        byte[] toBytes() {
            return PointStateFormat.write(ts, vector);
        }
    }

    /** The file name of the golden point for one serial version. */
    static String name(int serialVersion) {
        return FORMAT + "_v" + serialVersion + ".bin";
    }

    /** The sample point of every shipped serial version, by file name. */
    static Map<String, Sample> shippedSamples() {
        final Map<String, Sample> samples = new LinkedHashMap<>();
        samples.put(name(PointStateFormat.SERIAL_VERSION_1), version1());
        return samples;
    }

    /** The sample point of the current serial version, by file name. */
    static Map<String, Sample> currentSamples() {
        final String name = name(PointStateFormat.CURRENT_SERIAL_VERSION);
        return Map.of(name, shippedSamples().get(name));
    }

    /**
     * Event time 2023-11-14T22:13:20.123Z and five components whose bits a layout or byte order
     * change would garble: negative zero (the sign bit alone), the smallest subnormal, the most
     * negative float, 0.1 (no exact binary form) and a small normal value.
     */
    static Sample version1() {
        return new Sample(
                1_700_000_000_123L,
                new float[] {-0.0f, Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, 1.5e-3f});
    }

    /** Reads a golden file from the test resources. */
    static byte[] read(String name) throws IOException {
        final String path = DIRECTORY + name;
        try (InputStream in = PointGoldenBytes.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as("golden file %s", path).isNotNull();
            return in.readAllBytes();
        }
    }
}
