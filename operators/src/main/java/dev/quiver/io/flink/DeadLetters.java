package dev.quiver.io.flink;

import dev.quiver.io.RawRecord;
import dev.quiver.schema.DeadLetter;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

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

    /**
     * Dead letters keep at most this many bytes of the original record: a dead letter must fit in
     * one Kafka record of the default 1 MiB limit, or the dead-letter sink fails and the job with
     * it, over and over, on the very record it rejected for being too large.
     */
    public static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    /**
     * A dead letter for {@code raw}, keeping its original bytes; a record longer than {@link
     * #MAX_PAYLOAD_BYTES} keeps its first {@value #MAX_PAYLOAD_BYTES} bytes, and the reason says
     * so.
     */
    public static DeadLetter of(RawRecord raw, String reason) {
        byte[] payload = raw.payload;
        if (payload.length > MAX_PAYLOAD_BYTES) {
            reason =
                    reason
                            + " (payload truncated to its first "
                            + MAX_PAYLOAD_BYTES
                            + " of "
                            + payload.length
                            + " bytes)";
            payload = Arrays.copyOf(payload, MAX_PAYLOAD_BYTES);
        }
        return DeadLetter.newBuilder()
                .setSource(raw.source)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setReason(reason)
                .setPayload(ByteBuffer.wrap(payload))
                .setTs(Instant.now())
                .build();
    }
}
