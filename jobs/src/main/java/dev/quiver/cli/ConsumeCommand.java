package dev.quiver.cli;

import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.QuiverSchemas;
import dev.quiver.kafka.KafkaTopics;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code quiver consume}: prints a topic's records as NDJSON, whatever Quiver type they are (each
 * record's schema fingerprint says which). Reads committed records only, so results of a running
 * exactly-once job appear as its checkpoints complete.
 *
 * <pre>{@code
 * quiver consume --bootstrap localhost:9092 --topic quiver.posteriors --from-beginning --max 10
 * }</pre>
 */
@Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = "Print a topic's records as NDJSON (read_committed).")
final class ConsumeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin BrokerAddress broker;

    @Option(
            names = "--topic",
            required = true,
            paramLabel = "TOPIC",
            description = "Topic to read.")
    String topic;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest record (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Long max;

    @Option(
            names = "--timeout",
            paramLabel = "S",
            description = "Stop after S seconds without a new record (default: wait for ever).")
    Double timeoutSeconds;

    @Override
    public Integer call() {
        if (max != null && max < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max must be at least 1, got " + max);
        }
        KafkaTopics.checkReachable(
                broker.bootstrap(), broker.clientConfig(), Duration.ofSeconds(10));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.consumer(broker)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
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

    private static void print(
            ConsumerRecord<byte[], byte[]> record, PrintWriter out, PrintWriter err) {
        try {
            out.println(NdjsonCodec.encodeAny(QuiverSchemas.decodeAny(record.value())));
        } catch (DecodeException e) {
            err.printf(
                    "quiver: record %s[%d]@%d is not a Quiver record: %s%n",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            err.flush();
        }
    }
}
