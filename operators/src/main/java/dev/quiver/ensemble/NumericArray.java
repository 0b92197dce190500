package dev.quiver.ensemble;

/**
 * An array of numbers from a model document, kept primitive so that a model's node arrays cost a
 * few bytes per node while they are read. A value read from JSON text is kept both as the nearest
 * {@code double} and as the nearest {@code float} to the decimal text, since rounding the double
 * again to float could differ from XGBoost's own float parse in the last bit; a UBJSON float32
 * array keeps its floats, and an integer or float64 array its doubles.
 */
final class NumericArray {

    private final int length;
    private final double[] doubles;
    private final float[] floats;

    NumericArray(int length, double[] doubles, float[] floats) {
        assert doubles != null || floats != null;
        this.length = length;
        this.doubles = doubles;
        this.floats = floats;
    }

    static NumericArray ofFloats(float[] values) {
        return new NumericArray(values.length, null, values);
    }

    static NumericArray ofDoubles(double[] values) {
        return new NumericArray(values.length, values, null);
    }

    int length() {
        return length;
    }

    float floatAt(int i) {
        return floats != null ? floats[i] : (float) doubles[i];
    }

    double doubleAt(int i) {
        return doubles != null ? doubles[i] : floats[i];
    }

    /** The value at {@code i} as an int; refuses a fraction or a value outside int's range. */
    int intAt(int i, String path) {
        double value = doubleAt(i);
        if (value != Math.rint(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ModelFormatException(path + "[" + i + "] is not an int: " + value);
        }
        return (int) value;
    }
}
