package dev.quiver.jobs;

import dev.quiver.io.RecordFormat;

import picocli.CommandLine.Option;

/**
 * How a job's Kafka record values are encoded, a picocli mixin of the jobs' options: {@code
 * --value-format} for all its topics (input, result and dead-letter), {@code --input-format} for
 * the input topics when they differ (JSON producers, Avro results, or the reverse). Avro
 * single-object encoding unless given; JSON is the record's NDJSON line, UTF-8, without a line
 * terminator. The score job's models topic is Avro whatever these say: model updates are written by
 * {@code quiver publish-model}, not by the producers of observations. Files are always NDJSON, so
 * in file mode either option is bad usage.
 *
 * <pre>{@code
 * quiver run bayes --bootstrap localhost:9092 --value-format json
 * quiver run bayes --bootstrap localhost:9092 --input-format json   # JSON in, Avro out
 * }</pre>
 */
public final class ValueFormatOptions {

    /** A Kafka value format; lower-case constants because they are what users type. */
    public enum Format {
        /** Avro single-object encoding: {@code C3 01}, the schema fingerprint, Avro binary. */
        avro(RecordFormat.AVRO),
        /** The record's NDJSON line: one JSON object, UTF-8, no line terminator. */
        json(RecordFormat.NDJSON);

        private final RecordFormat recordFormat;

        Format(RecordFormat recordFormat) {
            this.recordFormat = recordFormat;
        }

        /** How the decoders read values of this format. */
        public RecordFormat recordFormat() {
            return recordFormat;
        }
    }

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            description =
                    "With Kafka: the record values of every topic the job reads or writes (but the"
                            + " models topic): avro (single-object) or json (one NDJSON line)"
                            + " (default: avro).")
    Format valueFormat;

    @Option(
            names = "--input-format",
            paramLabel = "FORMAT",
            description =
                    "With Kafka: the record values of the input topics, when they differ from"
                            + " --value-format: avro or json (default: --value-format).")
    Format inputFormat;

    /** The format of result and dead-letter values. */
    public Format output() {
        return valueFormat != null ? valueFormat : Format.avro;
    }

    /** The format of input values. */
    public Format input() {
        return inputFormat != null ? inputFormat : output();
    }

    /**
     * Refuses either option in file mode, where every input and output is NDJSON.
     *
     * @throws IllegalArgumentException naming the option
     */
    void check(boolean usesKafka) {
        if (!usesKafka && (valueFormat != null || inputFormat != null)) {
            throw new IllegalArgumentException(
                    (valueFormat != null ? "--value-format" : "--input-format")
                            + " sets the format of Kafka record values; files are always NDJSON");
        }
    }
}
