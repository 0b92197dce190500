package dev.quiver.hostile;

import dev.quiver.faults.CommittedReader;
import dev.quiver.hostile.ChildCli.CliRun;
import dev.quiver.hostile.HostileJob.Format;
import dev.quiver.hostile.HostileJob.Input;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.jobs.PipelineIo;
import dev.quiver.kafka.KafkaTestClients;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One run of a job over hostile input in one format, through the CLI in a child JVM: the entries
 * sent and where each went, and what the job wrote, results and dead letters.
 *
 * <pre>{@code
 * HostileRun run = HostileRun.inFiles(new BayesUnderHostility(), dir, 7L);
 * run.cli().assertSucceededQuietly();
 * }</pre>
 *
 * @param job the job
 * @param format the format its input came in
 * @param entries every input's entries in the order sent, inputs in the job's order
 * @param sent every entry with the coordinates a dead letter names it by
 * @param cli how the CLI ended
 * @param deadLetters every dead letter written
 * @param results every result written
 */
record HostileRun(
        HostileJob job,
        Format format,
        List<List<Entry>> entries,
        List<Sent> sent,
        CliRun cli,
        List<DeadLetter> deadLetters,
        List<SpecificRecord> results) {

    /**
     * An entry and where it went: topic, partition and offset, or {@code file:PATH}, -1 and its
     * 1-based line number.
     */
    record Sent(Entry entry, String source, int partition, long offset) {
        String coordinates() {
            return source + "/" + partition + "@" + offset;
        }

        @Override
        public String toString() {
            return entry + " at " + coordinates();
        }
    }

    private static final int MAX_RECORD_BYTES = HostileJob.MAX_RECORD_BYTES;

    /** Runs {@code job} in file mode: every input an NDJSON file. */
    static HostileRun inFiles(HostileJob job, Path dir, long seed) throws Exception {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        List<List<Entry>> entries = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("run", job.name()));
        for (Input input : job.inputs()) {
            List<Entry> inputEntries = job.entries(input, Format.NDJSON, random);
            Path file = dir.resolve(input.name() + ".ndjson").toAbsolutePath();
            try (OutputStream out = Files.newOutputStream(file)) {
                long line = 1;
                for (Entry entry : inputEntries) {
                    out.write(entry.bytes());
                    out.write('\n');
                    sent.add(new Sent(entry, "file:" + file, -1, line++));
                }
            }
            entries.add(inputEntries);
            args.addAll(List.of(input.fileOption(), file.toString()));
        }
        Path output = dir.resolve("results.ndjson").toAbsolutePath();
        args.addAll(List.of("--output", output.toString(), "--parallelism", "1"));
        args.addAll(List.of("--max-record-bytes", String.valueOf(MAX_RECORD_BYTES)));
        args.addAll(job.options());
        CliRun cli = ChildCli.run(dir, args.toArray(String[]::new));
        return new HostileRun(
                job,
                Format.NDJSON,
                entries,
                sent,
                cli,
                readLines(Path.of(PipelineIo.deadLetterPath(output.toString())), DeadLetter.class),
                new ArrayList<>(readLines(output, job.resultType())));
    }

    /**
     * Runs {@code job} in Kafka mode on the broker at {@code bootstrap}, until the latest offsets.
     */
    static HostileRun onKafka(HostileJob job, Path dir, String bootstrap, long seed)
            throws Exception {
        Files.createDirectories(dir);
        SplittableRandom random = new SplittableRandom(seed);
        String prefix = "hostile-" + job.name() + "-";
        String resultsTopic = prefix + "results";
        String deadLetterTopic = prefix + "deadletter";
        List<String> topics = new ArrayList<>(List.of(resultsTopic, deadLetterTopic));
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "run",
                                job.name(),
                                "--bootstrap",
                                bootstrap,
                                "--until-latest",
                                "--parallelism",
                                "1",
                                "--checkpoint-interval-ms",
                                "1000",
                                "--group-id",
                                prefix + "job",
                                "--deadletter-topic",
                                deadLetterTopic,
                                job.resultTopicOption(),
                                resultsTopic,
                                "--max-record-bytes",
                                String.valueOf(MAX_RECORD_BYTES)));
        for (String option : job.otherTopicOptions()) {
            String topic = prefix + option.substring(2);
            topics.add(topic);
            args.addAll(List.of(option, topic));
        }
        for (Input input : job.inputs()) {
            topics.add(prefix + input.name());
            args.addAll(List.of(input.topicOption(), prefix + input.name()));
        }
        KafkaTopics.ensureTopics(bootstrap, topics, 1, Duration.ofSeconds(30));
        List<List<Entry>> entries = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.bytesProducer(bootstrap)) {
            for (Input input : job.inputs()) {
                List<Entry> inputEntries = job.entries(input, Format.AVRO, random);
                String topic = prefix + input.name();
                for (Entry entry : inputEntries) {
                    RecordMetadata at =
                            producer.send(new ProducerRecord<>(topic, entry.bytes())).get();
                    sent.add(new Sent(entry, topic, at.partition(), at.offset()));
                }
                entries.add(inputEntries);
            }
        }
        args.addAll(job.options());
        CliRun cli = ChildCli.run(dir, args.toArray(String[]::new));
        return new HostileRun(
                job,
                Format.AVRO,
                entries,
                sent,
                cli,
                readTopic(bootstrap, deadLetterTopic, DeadLetter.class),
                new ArrayList<>(readTopic(bootstrap, resultsTopic, job.resultType())));
    }

    private static <T extends SpecificRecord> List<T> readLines(Path file, Class<T> type)
            throws IOException {
        List<T> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        NdjsonCodec<T> codec = NdjsonCodec.of(type);
        for (String line : Files.readAllLines(file)) {
            try {
                records.add(codec.decode(line));
            } catch (DecodeException e) {
                throw new AssertionError("the job wrote a line it cannot read back: " + line, e);
            }
        }
        return records;
    }

    private static <T extends SpecificRecord> List<T> readTopic(
            String bootstrap, String topic, Class<T> type) {
        // Dead letters keep up to 512 KiB of a record beside their own fields.
        AvroSingleObjectCodec<T> codec =
                AvroSingleObjectCodec.of(type).withMaxBytes(Integer.MAX_VALUE);
        List<T> records = new ArrayList<>();
        CommittedReader.readToEnd(
                bootstrap,
                topic,
                r -> {
                    try {
                        records.add(codec.decode(r.value()));
                    } catch (DecodeException e) {
                        throw new AssertionError("the job wrote a record it cannot read back", e);
                    }
                },
                Duration.ofSeconds(60));
        return records;
    }
}
