package dev.quiver.bench.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One workload's table in the report: a row per measure with the GPU figure, the CPU backend's
 * figure on the same inputs, the roofline reference, their ratio, the target and whether it was
 * met; then notes that say how each figure was taken. A correctness row that fails marks the table
 * failed, which makes the check's exit status non-zero; a missed speed target does not.
 */
final class ReportTable {

    /** One row; empty strings for cells that do not apply. */
    record Row(
            String measure,
            String gpu,
            String cpu,
            String roofline,
            String ratio,
            String target,
            String met) {}

    private final String title;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean failed;

    ReportTable(String title) {
        this.title = title;
    }

    ReportTable row(String measure, String gpu, String cpu, String roofline, String ratio,
            String target, String met) {
        rows.add(new Row(measure, gpu, cpu, roofline, ratio, target, met));
        return this;
    }

    /** A row whose outcome is a correctness check: a failure fails the whole check. */
    ReportTable check(String measure, String gpu, String cpu, String target, boolean passed) {
        if (!passed) {
            failed = true;
        }
        return row(measure, gpu, cpu, "", "", target, passed ? "yes" : "**NO**");
    }

    /**
     * The check that a capability is the backend's own, not the java fallback that {@code
     * ComputeBackends} fills in for a capability a backend lacks (the "GPU" figures would be Java's).
     */
    ReportTable servedBy(String capability, String implementer, String backend) {
        return check(capability + " implemented by", implementer, "java", backend,
                implementer.equals(backend));
    }

    ReportTable note(String note) {
        notes.add(note);
        return this;
    }

    /** Marks the workload failed (it could not run, or a check failed), with the reason. */
    ReportTable fail(String reason) {
        failed = true;
        return note("**Failed:** " + reason);
    }

    boolean failed() {
        return failed;
    }

    String title() {
        return title;
    }

    String markdown() {
        StringBuilder out = new StringBuilder("## ").append(title).append("\n\n");
        if (!rows.isEmpty()) {
            out.append("| measure | GPU (cuda) | CPU (java backend) | roofline reference | ratio |")
                    .append(" target | met? |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            for (Row row : rows) {
                out.append("| ").append(String.join(" | ", row.measure(), row.gpu(), row.cpu(),
                                row.roofline(), row.ratio(), row.target(), row.met()))
                        .append(" |\n");
            }
            out.append('\n');
        }
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        return out.append('\n').toString();
    }

    /** A rate or size with an SI prefix and three significant digits: {@code 1.23e9} as "1.23 G". */
    static String si(double value) {
        String[] prefixes = {"", " k", " M", " G", " T", " P"};
        int i = 0;
        double scaled = value;
        while (Math.abs(scaled) >= 1000 && i < prefixes.length - 1) {
            scaled /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, "%.3g%s", scaled, prefixes[i]);
    }

    /** A ratio as "12.3x". */
    static String times(double ratio) {
        return String.format(Locale.ROOT, "%.3gx", ratio);
    }

    /** Seconds with three significant digits. */
    static String seconds(double seconds) {
        return seconds >= 1
                ? String.format(Locale.ROOT, "%.3g s", seconds)
                : String.format(Locale.ROOT, "%.3g ms", seconds * 1e3);
    }

    static String yesNo(boolean met) {
        return met ? "yes" : "no";
    }
}
