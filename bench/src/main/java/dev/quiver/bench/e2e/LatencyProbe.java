package dev.quiver.bench.e2e;

import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.Score;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * End-to-end latency of one job in the benchmark: reads its result topic from the beginning
 * (read_committed) until {@code --expect} results or {@code --timeout-s} seconds without a new
 * one, skips the first {@code --skip} (the results of priming records, which waited for the job
 * to start), and for each other result takes its Kafka timestamp (stamped by the job's sink producer when it
 * wrote the result into its transaction) minus the event time ({@code ts}) the result carries,
 * which {@link RawProducer} with {@code --rate} set to the wall-clock time of the input's send.
 * Prints {@code latency results=N p50_ms=.. p99_ms=.. max_ms=..}.
 *
 * <p>The figure leaves out the wait for the transaction's commit: a read_committed consumer sees
 * a result only at the checkpoint after it, up to one checkpoint interval later (plus the
 * checkpoint's own duration).
 *
 * <pre>{@code
 * java -cp ... dev.quiver.bench.e2e.LatencyProbe --bootstrap localhost:9092 \
 *     --topic bench.latency.bayes --expect 20000
 * }</pre>
 */
public final class LatencyProbe {

    /** Every result type Quiver writes, and the observations a passthrough peer copies. */
    private static final List<Schema> SCHEMAS =
            List.of(
                    Observation.getClassSchema(),
                    PosteriorUpdate.getClassSchema(),
                    Score.getClassSchema(),
                    WalkSummary.getClassSchema(),
                    MatchResult.getClassSchema());

    private LatencyProbe() {}

    /** Reads the results and prints the latency line. */
    public static void main(String[] args) throws IOException {
        PeerArguments arguments =
                PeerArguments.parse(
                        args, Set.of("--bootstrap", "--topic", "--expect", "--skip", "--timeout-s"),
                        Set.of());
        long skip = arguments.getLong("--skip", 0);
        long expect = arguments.getLong("--expect", Long.MAX_VALUE);
        long timeoutMs = arguments.getLong("--timeout-s", 60) * 1000;
        // Each result read with its own writer's schema, found by the fingerprint in its header.
        Map<Long, BinaryMessageDecoder<GenericRecord>> decoders = new HashMap<>();
        for (Schema schema : SCHEMAS) {
            decoders.put(
                    SchemaNormalization.parsingFingerprint64(schema),
                    new BinaryMessageDecoder<>(GenericData.get(), schema));
        }

        long[] latencies = new long[1024];
        int count = 0;
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                RawConsumer.readCommitted(arguments.required("--bootstrap"))) {
            RawConsumer.fromBeginning(consumer, arguments.required("--topic"));
            long lastNew = System.currentTimeMillis();
            while (count + Math.min(seen, skip) < expect && System.currentTimeMillis() - lastNew < timeoutMs) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    lastNew = System.currentTimeMillis();
                    if (seen++ < skip) {
                        continue;
                    }
                    long eventTime = eventTime(decoders, record.value());
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = record.timestamp() - eventTime;
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        System.out.printf(
                "latency results=%d p50_ms=%d p99_ms=%d max_ms=%d%n",
                count, percentile(sorted, 0.50), percentile(sorted, 0.99),
                count == 0 ? -1 : sorted[count - 1]);
    }

    /** The {@code ts} of an Avro single-object value: header C3 01, then the fingerprint (LE). */
    private static long eventTime(Map<Long, BinaryMessageDecoder<GenericRecord>> decoders, byte[] value)
            throws IOException {
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        BinaryMessageDecoder<GenericRecord> decoder = decoders.get(fingerprint);
        if (decoder == null) {
            throw new IOException("a result of no known Quiver schema (fingerprint " + fingerprint + ")");
        }
        return (Long) decoder.decode(value).get("ts");
    }

    /** The nearest-rank percentile of sorted values, -1 for none. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
