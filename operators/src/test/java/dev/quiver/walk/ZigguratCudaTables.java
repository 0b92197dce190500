package dev.quiver.walk;

/**
 * The text of {@code operators/src/main/cuda/quiver/ziggurat_tables.cuh}: {@link Ziggurat}'s
 * tables as C++ hexadecimal floating-point literals, which denote exactly the doubles Java holds.
 * The tables are constants in the CUDA sources rather than code because Java builds them with
 * {@code Math.exp} and {@code Math.log}, whose last bits no other platform's functions promise.
 */
final class ZigguratCudaTables {

    static final String PATH = "src/main/cuda/quiver/ziggurat_tables.cuh";

    private static final int PER_LINE = 3;

    private ZigguratCudaTables() {}

    /** The header's whole text; {@code ZigguratCudaTablesTest} requires the file to equal it. */
    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("// Generated from dev.quiver.walk.Ziggurat's tables: do not edit.\n")
                .append("// ZigguratCudaTablesTest fails when this file and the Java tables differ; the\n")
                .append("// expected text is ZigguratCudaTables.render(). Hexadecimal literals are exact.\n")
                .append("#pragma once\n\n")
                .append("// KW[2i] = K_i (accept |j| < K_i at once), KW[2i + 1] = W_i (x = j W_i).\n");
        list(out, "QUIVER_ZIGGURAT_KW", Ziggurat.KW);
        out.append("\n// F[i] = exp(-x_i^2 / 2) at layer i's right edge.\n");
        list(out, "QUIVER_ZIGGURAT_F", Ziggurat.F);
        return out.toString();
    }

    private static void list(StringBuilder out, String name, double[] values) {
        out.append("#define ").append(name).append(" \\\n");
        for (int i = 0; i < values.length; i += PER_LINE) {
            out.append("   ");
            for (int j = i; j < Math.min(values.length, i + PER_LINE); j++) {
                out.append(' ').append(Double.toHexString(values[j])).append(',');
            }
            out.append(i + PER_LINE < values.length ? " \\\n" : "\n");
        }
    }
}
