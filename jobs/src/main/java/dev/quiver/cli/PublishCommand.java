package dev.quiver.cli;

import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.RawLineReader;
import dev.quiver.jobs.PathOption;
import dev.quiver.jobs.TopicOption;
import dev.quiver.jobs.ValueFormatOptions.Format;

import org.apache.avro.specific.SpecificRecord;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongFunction;

/**
 * {@code quiver publish}: sends NDJSON records from a file, or generated ones, to a topic in Avro
 * single-object encoding, or with {@code --value-format json} as JSON values (each record's NDJSON
 * line, defaults filled in). A file is checked whole before anything is sent, so a bad line sends
 * nothing.
 *
 * <pre>{@code
 * quiver publish --bootstrap localhost:9092 --type observation --file obs.ndjson
 * quiver publish --bootstrap localhost:9092 --type vector --generate 100000 --rate 5000 --dim 16
 * }</pre>
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = "Publish input records (NDJSON file or generated) to a Kafka topic.")
final class PublishCommand extends BrokerClientCommand {

    @Mixin GeneratorOptions generator;

    @Option(
            names = "--type",
            required = true,
            paramLabel = "TYPE",
            description = "Record type: ${COMPLETION-CANDIDATES}.")
    InputType type;

    final TopicOption topic =
            TopicOption.optional(
                    "--topic",
                    "Topic (default: quiver.vectors, "
                            + "quiver.queries or quiver.observations by type).");

    /** The source, one of the two: a file or a count of generated records. */
    final PathOption file = PathOption.file("--file", "NDJSON file, one record per line.");

    // Declared in code too: an argument group holding an option declared in code is built in code,
    // and so is each option in it.
    final OptionSpec generate =
            OptionSpec.builder("--generate")
                    .type(Long.class)
                    .paramLabel("N")
                    .description("Generate N synthetic records.")
                    .build();

    @Option(
            names = "--value-format",
            paramLabel = "FORMAT",
            defaultValue = "avro",
            description =
                    "Record values: avro (single-object) or json (one NDJSON line)"
                            + " (default: ${DEFAULT-VALUE}).")
    Format valueFormat;

    @Option(
            names = "--rate",
            paramLabel = "R",
            defaultValue = "0",
            description =
                    "Records per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--dim",
            paramLabel = "D",
            defaultValue = "8",
            description = "Dimension of generated vectors and queries (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            defaultValue = "default",
            description = "Namespace of generated vectors and queries (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(
            names = "--features",
            paramLabel = "F",
            defaultValue = "0",
            description =
                    "Features of each generated observation, uniform in [0, 1), for the score"
                            + " job (default: ${DEFAULT-VALUE}).")
    int features;

    @Override
    protected void addOptionsTo(CommandSpec command) {
        topic.addTo(command);
        command.addArgGroup(
                ArgGroupSpec.builder()
                        .exclusive(true)
                        .multiplicity("1")
                        .addArg(file.spec())
                        .addArg(generate)
                        .build());
    }

    @Override
    public Integer call() throws Exception {
        Long count = generate.getValue();
        if (count != null && count < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--generate must be at least 0, got " + count);
        }
        if (features < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--features must be at least 0, got " + features);
        }
        // Bad client settings are bad usage, reported before the file is read.
        broker.bootstrap();
        String target = topic.topic() != null ? topic.topic() : type.defaultTopic();
        if (file.path() != null) {
            checkFile(file.path());
        }
        broker.checkReachable();
        long sent =
                file.path() != null
                        ? publishFile(file.path(), target)
                        : publishGenerated(count, target);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("published %d %s records to %s%n", sent, type, target);
        out.flush();
        return 0;
    }

    private void checkFile(Path file) throws IOException {
        NdjsonCodec<? extends SpecificRecord> codec = NdjsonCodec.of(type.recordClass());
        try (RawLineReader reader = new RawLineReader(Files.newInputStream(file))) {
            long lineNumber = 0;
            for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (RawLineReader.isBlank(line)) {
                    continue;
                }
                try {
                    codec.decodeUtf8(line);
                } catch (DecodeException e) {
                    throw new IllegalArgumentException(
                            file
                                    + " line "
                                    + lineNumber
                                    + ": "
                                    + e.getMessage()
                                    + " (nothing was published)");
                }
            }
        }
    }

    private long publishFile(Path file, String target) throws Exception {
        NdjsonCodec<? extends SpecificRecord> codec = NdjsonCodec.of(type.recordClass());
        try (RecordSender sender =
                        new RecordSender(
                                KafkaClients.producer(broker), type, target, valueFormat);
                RawLineReader reader = new RawLineReader(Files.newInputStream(file))) {
            Pacer pacer = new Pacer(rate);
            long sent = 0;
            for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!RawLineReader.isBlank(line)) {
                    sender.send(codec.decodeUtf8(line));
                    sent++;
                    pacer.await(sent);
                }
            }
            sender.flush();
            return sent;
        }
    }

    private long publishGenerated(long count, String target) throws Exception {
        LongFunction<SpecificRecord> records = type.generator(generator.streams(dim, namespace, features));
        try (RecordSender sender =
                new RecordSender(
                        KafkaClients.producer(broker), type, target, valueFormat)) {
            Pacer pacer = new Pacer(rate);
            for (long i = 0; i < count; i++) {
                sender.send(records.apply(i));
                pacer.await(i + 1);
            }
            sender.flush();
            return count;
        }
    }
}
