package dev.quiver.bayes.special;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares every quantile with the oracle in {@code quantiles.csv}, written by {@code
 * gen_quantiles.py} beside it: SciPy 1.17.1's {@code betaincinv}, {@code gammaincinv}, {@code
 * gammainccinv}, {@code stdtrit} and {@code ndtri} over shapes (and degrees of freedom) from 1e-3
 * to 1e8 and p from 1e-12 to 1 − 1e-6, each checked against a 50-digit mpmath root; where SciPy
 * misses that root by more than 1e-13 the row holds the root instead (column {@code source}).
 *
 * <p>The bound is {@value #RELATIVE_TOLERANCE} relative everywhere, or four units of the smallest
 * subnormal where that is larger: a quantile below the smallest normal double (shapes of 1e-3 put
 * even the median near 1e-308) has fewer than 53 significant bits, down to none for the zeros
 * that SciPy and mpmath agree on.
 */
class QuantileOracleTest {

    /** The bound the quantiles' javadoc states. */
    private static final double RELATIVE_TOLERANCE = 1e-12;

    private static final double SUBNORMAL_ABSOLUTE_TOLERANCE = 4 * Double.MIN_VALUE;

    private record Row(String function, double a, double b, double p, double expected, String source) {

        double actual() {
            switch (function) {
                case "beta":
                    return BetaQuantile.quantile(a, b, p);
                case "gamma":
                    return GammaQuantile.quantile(a, p);
                case "gammaq":
                    return GammaQuantile.upperQuantile(a, p);
                case "t":
                    return StudentTQuantile.quantile(a, p);
                case "normal":
                    return NormalQuantile.quantile(p);
                default:
                    throw new IllegalArgumentException(function);
            }
        }

        @Override
        public String toString() {
            return function + "(a=" + a + ", b=" + b + ", p=" + p + ") expected " + expected
                    + " (" + source + ")";
        }
    }

    private static List<Row> rows() throws IOException {
        final List<Row> rows = new ArrayList<>();
        try (InputStream in = QuantileOracleTest.class.getResourceAsStream("quantiles.csv");
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                final String[] field = line.split(",");
                rows.add(
                        new Row(
                                field[0],
                                Double.parseDouble(field[1]),
                                Double.parseDouble(field[2]),
                                Double.parseDouble(field[3]),
                                Double.parseDouble(field[4]),
                                field[5]));
            }
        }
        return rows;
    }

    @Test
    void everyQuantileMatchesTheOracle() throws IOException {
        final List<Row> rows = rows();
        assertThat(rows).hasSize(1828);
        final List<String> failures = new ArrayList<>();
        for (Row row : rows) {
            final double actual = row.actual();
            if (!withinBound(actual, row.expected)) {
                failures.add(row + ", got " + actual);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void everyFunctionIsCoveredAndSciPyIsTheOracleForMostRows() throws IOException {
        final List<Row> rows = rows();
        for (String function : new String[] {"beta", "gamma", "gammaq", "t", "normal"}) {
            assertThat(rows).anyMatch(row -> row.function.equals(function));
        }
        assertThat(rows.stream().filter(row -> row.source.equals("scipy")).count())
                .isGreaterThan(rows.size() * 9L / 10);
    }

    static boolean withinBound(double actual, double expected) {
        if (actual == expected) {
            return true;
        }
        return Math.abs(actual - expected)
                <= Math.max(RELATIVE_TOLERANCE * Math.abs(expected), SUBNORMAL_ABSOLUTE_TOLERANCE);
    }
}
