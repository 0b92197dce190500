package dev.quiver.ensemble.flink;

import dev.quiver.io.InputEnd;
import dev.quiver.io.RecordFormat;

import java.io.Serializable;
import java.util.Objects;

/**
 * The score operator's models input: how its raw model updates are encoded and bounded, where it
 * ended when the job started, and how many observations a subtask may hold while it reads that
 * far. Observations wait for that end so that the version they are scored with does not depend on
 * which of the two inputs the job happened to read faster.
 *
 * <pre>{@code
 * ModelsInput models = new ModelsInput(RecordFormat.AVRO, 64 << 20, InputEnd.none(), 100_000);
 * new ScoreFunction("churn", initialUpdate, models);
 * }</pre>
 *
 * @param format how the raw updates are encoded (Avro on Kafka, NDJSON in files)
 * @param maxBytes updates larger than this are dead letters; positive
 * @param endAtStart where the input ended at the start; {@link InputEnd#none()} when it was empty
 * @param maxHeldObservations most observations one subtask holds until the input is read that far;
 *     positive. Further ones are dead letters: they bound the memory and the checkpoints of a
 *     subtask whose observations run far ahead of its models.
 */
public record ModelsInput(
        RecordFormat format, int maxBytes, InputEnd endAtStart, int maxHeldObservations)
        implements Serializable {

    /** Checks the bounds; the message names the bad value. */
    public ModelsInput {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(endAtStart, "endAtStart");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        if (maxHeldObservations < 1) {
            throw new IllegalArgumentException(
                    "--max-held-observations must be positive, got " + maxHeldObservations);
        }
    }
}
