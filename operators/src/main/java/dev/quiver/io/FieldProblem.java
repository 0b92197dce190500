package dev.quiver.io;

import java.util.ArrayDeque;

/**
 * A problem found at some depth inside a record; each enclosing level adds its field name or index
 * while the problem unwinds, so the path costs nothing unless something is wrong.
 */
final class FieldProblem extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** "unknown field 'P'". */
        UNKNOWN,
        /** "field 'P' is required". */
        REQUIRED,
        /** "field 'P': detail". */
        VALUE,
        /** "truncated: field 'P' detail": the bytes end before the record does. */
        TRUNCATED,
        /** "corrupt: field 'P' detail": the bytes cannot be a record of the schema. */
        CORRUPT
    }

    private final Kind kind;
    private final ArrayDeque<String> path = new ArrayDeque<>();

    private FieldProblem(Kind kind, String detail) {
        // No stack trace: this is control flow for bad input, converted to a DecodeException.
        super(detail, null, false, false);
        this.kind = kind;
    }

    static FieldProblem unknown(String field) {
        return new FieldProblem(Kind.UNKNOWN, "").inField(field);
    }

    static FieldProblem required(String field) {
        return new FieldProblem(Kind.REQUIRED, "").inField(field);
    }

    static FieldProblem value(String detail) {
        return new FieldProblem(Kind.VALUE, detail);
    }

    static FieldProblem truncated(String detail) {
        return new FieldProblem(Kind.TRUNCATED, detail);
    }

    static FieldProblem corrupt(String detail) {
        return new FieldProblem(Kind.CORRUPT, detail);
    }

    FieldProblem inField(String name) {
        path.addFirst(name);
        return this;
    }

    FieldProblem atIndex(long index) {
        path.addFirst("[" + index + "]");
        return this;
    }

    /** The path in the form {@code neighbors[2].distance}. */
    String path() {
        StringBuilder sb = new StringBuilder();
        for (String segment : path) {
            if (sb.length() > 0 && segment.charAt(0) != '[') {
                sb.append('.');
            }
            sb.append(segment);
        }
        return sb.toString();
    }

    /** The one-line reason for a dead letter. */
    String reason() {
        String where = path.isEmpty() ? "" : "field '" + path() + "'";
        String detail = getMessage();
        switch (kind) {
            case UNKNOWN:
                return "unknown field '" + path() + "'";
            case REQUIRED:
                return "field '" + path() + "' is required";
            case VALUE:
                return where.isEmpty() ? detail : where + ": " + detail;
            case TRUNCATED:
                return "truncated: " + (where.isEmpty() ? detail : where + " " + detail);
            case CORRUPT:
            default:
                return "corrupt: " + (where.isEmpty() ? detail : where + " " + detail);
        }
    }
}
