package dev.quiver.io;

import dev.quiver.schema.DeadLetter;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The one dead-letter side output shared by every Quiver job, and the factory of its records.
 *
 * <pre>{@code
 * ctx.output(DeadLetters.TAG, DeadLetters.of(raw, "value must be 0 or 1, got 2"));
 * DataStream<DeadLetter> dead = decoded.getSideOutput(DeadLetters.TAG);
 * }</pre>
 */
public final class DeadLetters {

    /** The side output every Quiver function sends rejected input to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Name of the counter metric, registered by every function that rejects input. */
    public static final String METRIC = "deadLetters";

    private DeadLetters() {}

    /** A dead letter for {@code raw}, keeping its original bytes. */
    public static DeadLetter of(RawRecord raw, String reason) {
        return DeadLetter.newBuilder()
                .setSource(raw.source)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setReason(reason)
                .setPayload(ByteBuffer.wrap(raw.payload))
                .setTs(Instant.now())
                .build();
    }
}
