package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Reads the reference files in {@code shared/oracles} (XGBoost 1.7.4's models and outputs). */
public final class Oracles {

    private Oracles() {}

    /**
     * Surefire sets {@code quiver.oracles}; an IDE run from the module directory may not, so fall
     * back to the checkout's sibling {@code shared} folder.
     */
    public static Path directory() {
        String property = System.getProperty("quiver.oracles");
        if (property != null && !property.isBlank() && Files.isDirectory(Paths.get(property))) {
            return Paths.get(property);
        }
        return Paths.get("../../shared/oracles");
    }

    public static Path file(String name) {
        Path file = directory().resolve(name);
        assertThat(file).as("oracle file").exists();
        return file;
    }

    public static byte[] bytes(String name) throws IOException {
        return Files.readAllBytes(file(name));
    }

    /**
     * A CSV with a header as a matrix of doubles ({@code nan} read as NaN), keeping the first
     * {@code columns} columns.
     */
    public static double[][] csv(String name, int columns) throws IOException {
        List<String> lines = Files.readAllLines(file(name));
        double[][] rows = new double[lines.size() - 1][];
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = lines.get(r).split(",");
            double[] row = new double[columns];
            for (int c = 0; c < columns; c++) {
                row[c] = cells[c].equals("nan") ? Double.NaN : Double.parseDouble(cells[c]);
            }
            rows[r - 1] = row;
        }
        return rows;
    }

    /** Rows as XGBoost sees them: float32, row-major. */
    public static float[] float32Rows(double[][] rows) {
        int features = rows[0].length;
        float[] out = new float[rows.length * features];
        for (int r = 0; r < rows.length; r++) {
            for (int f = 0; f < features; f++) {
                out[r * features + f] = (float) rows[r][f];
            }
        }
        return out;
    }

    /** A raw little-endian float32 file. */
    public static float[] float32File(String name) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[buffer.remaining() / Float.BYTES];
        buffer.asFloatBuffer().get(values);
        return values;
    }
}
