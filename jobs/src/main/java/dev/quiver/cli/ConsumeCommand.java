package dev.quiver.cli;

import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.QuiverSchemas;
import dev.quiver.jobs.TopicOption;
import dev.quiver.jobs.ValueFormatOptions.Format;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * {@code quiver consume}: prints a topic's records as NDJSON, whatever Quiver type they are (each
 * Avro record's schema fingerprint says which) and whichever value format they have: without
 * {@code --value-format}, a value whose first byte other than JSON whitespace is <code>{</code> is
 * JSON, printed as it is (checked to be one well-formed UTF-8 JSON object, line breaks made
 * spaces), and any other is Avro single-object ({@code C3 01}). Reads committed records only, so
 * results of a running exactly-once job appear as its checkpoints complete.
 *
 * <pre>{@code
 * quiver consume --bootstrap localhost:9092 --topic quiver.posteriors --from-beginning --max 10
 * }</pre>
 */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = "Print a topic's records as NDJSON (read_committed).")
final class ConsumeCommand extends BrokerClientCommand {

    final TopicOption topic = TopicOption.required("--topic", "Topic to read.");

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest record (default: only new records).")
    boolean fromBeginning;

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            description =
                    "Record values: avro or json (default: each value's own, detected from its"
                            + " first byte).")
    Format valueFormat;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(
            names = "--timeout",
            paramLabel = "S",
            description = "Stop after S seconds without a new record (default: wait for ever).")
    Double timeoutSeconds;

    @Override
    protected void addOptionsTo(CommandSpec command) {
        topic.addTo(command);
    }

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max must be at least 1, got " + max);
        }
        broker.checkReachable();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.consumer(broker)) {
            List<PartitionInfo> partitions =
                    consumer.partitionsFor(topic.topic(), Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic.topic() + " does not exist");
            }
            List<TopicPartition> assigned =
                    partitions.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            long printed = 0;
            long idleSinceNanos = System.nanoTime();
            while (max == null || printed < max) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    if (timeoutSeconds != null
                            && System.nanoTime() - idleSinceNanos > timeoutSeconds * 1e9) {
                        break;
                    }
                    continue;
                }
                idleSinceNanos = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (max != null && printed >= max) {
                        break;
                    }
                    print(record, out, err);
                    printed++;
                }
                out.flush();
            }
        }
        return 0;
    }

    private void print(ConsumerRecord<byte[], byte[]> record, PrintWriter out, PrintWriter err) {
        byte[] value = record.value();
        try {
            out.println(
                    formatOf(value) == Format.json
                            ? NdjsonCodec.jsonLine(value)
                            : NdjsonCodec.encodeAny(QuiverSchemas.decodeAny(value)));
        } catch (DecodeException e) {
            err.printf(
                    "quiver: record %s[%d]@%d is not a Quiver record: %s%n",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            err.flush();
        }
    }

    /** The format given, else JSON for a value that starts with an object, else Avro. */
    private Format formatOf(byte[] value) {
        if (valueFormat != null) {
            return valueFormat;
        }
        if (value != null) {
            for (byte b : value) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return b == '{' ? Format.json : Format.avro;
                }
            }
        }
        return Format.avro;
    }
}
