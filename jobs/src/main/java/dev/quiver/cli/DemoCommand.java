package dev.quiver.cli;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.jobs.BayesJob;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code quiver demo}: the whole pipeline on one machine. Starts a real Kafka broker in this
 * process, runs the pipeline job on Flink's MiniCluster, publishes a synthetic stream with a few
 * deliberately bad records, follows the result topics with live progress, checks the final
 * posteriors against the closed form, and stops everything it started.
 *
 * <pre>{@code
 * quiver demo --events 20000 --seconds 10
 * }</pre>
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the pipeline end to end on an embedded Kafka broker and Flink MiniCluster.")
final class DemoCommand implements Callable<Integer> {

    /** One record in this many is deliberately broken, to show the dead-letter path. */
    static final int BAD_RECORD_EVERY = 200;

    @Spec CommandSpec spec;

    @Option(
            names = "--events",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Observations to publish (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--seconds",
            paramLabel = "S",
            defaultValue = "10",
            description = "Spread the events over about S seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(
            names = "--keys",
            paramLabel = "K",
            defaultValue = "50",
            description = "Observation keys (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || seconds <= 0 || keys < 1 || parallelism < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--events, --seconds, --keys and --parallelism must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path checkpoints = Files.createTempDirectory("quiver-demo-checkpoints");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().partitions(2).start()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTopics.ensureTopics(bootstrap, Topics.ALL, 2, Duration.ofSeconds(30));
            say(
                    out,
                    "Kafka broker (KRaft) at %s; topics %s",
                    bootstrap,
                    String.join(", ", Topics.ALL));
            JobClient job = startJob(bootstrap, checkpoints);
            say(
                    out,
                    "Flink job %s running on the MiniCluster (parallelism %d, checkpoints every 1"
                            + " s)",
                    job.getJobID(),
                    parallelism);
            try {
                return run(bootstrap, out);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } finally {
            deleteRecursively(checkpoints);
        }
    }

    private JobClient startJob(String bootstrap, Path checkpoints) throws Exception {
        BayesJob bayes =
                CommandLine.populateCommand(
                        new BayesJob(),
                        "--bootstrap",
                        bootstrap,
                        "--parallelism",
                        String.valueOf(parallelism),
                        "--checkpoint-interval-ms",
                        "1000",
                        "--checkpoint-dir",
                        checkpoints.toString(),
                        "--group-id",
                        "quiver-demo");
        StreamExecutionEnvironment env = bayes.build();
        return env.executeAsync("quiver demo");
    }

    private int run(String bootstrap, PrintWriter out) throws Exception {
        DemoStream stream =
                new DemoStream(
                        new SyntheticStreams(seed, keys, 8, "default", System.currentTimeMillis()));
        long startNanos = System.nanoTime();
        CompletableFuture<Void> publishing =
                CompletableFuture.runAsync(() -> stream.publish(bootstrap, events, seconds));
        Progress progress = new Progress(out, System.console() != null);
        Map<String, PosteriorUpdate> lastByKey = new TreeMap<>();
        List<DeadLetter> deadLetters = new java.util.ArrayList<>();
        long posteriors = 0;
        long deadlineNanos = startNanos + (long) ((seconds + 90) * 1e9);
        AvroSingleObjectCodec<PosteriorUpdate> updates =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        AvroSingleObjectCodec<DeadLetter> dead = AvroSingleObjectCodec.of(DeadLetter.class);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap)) {
            List<TopicPartition> partitions =
                    Stream.of(Topics.POSTERIORS, Topics.DEAD_LETTER)
                            .flatMap(t -> consumer.partitionsFor(t).stream())
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadlineNanos) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(250))) {
                    if (record.topic().equals(Topics.POSTERIORS)) {
                        PosteriorUpdate update = updates.decode(record.value());
                        lastByKey.merge(
                                update.getKey(),
                                update,
                                (a, b) -> a.getTs().isAfter(b.getTs()) ? a : b);
                        posteriors++;
                    } else {
                        deadLetters.add(dead.decode(record.value()));
                    }
                }
                progress.show(
                        stream.published(), events, posteriors, deadLetters.size(), startNanos);
                if (publishing.isDone()
                        && posteriors == stream.validPublished()
                        && deadLetters.size() == stream.invalidPublished()) {
                    break;
                }
            }
        }
        publishing.get(5, TimeUnit.SECONDS);
        progress.finish();
        return summarize(out, stream, lastByKey, deadLetters, posteriors, startNanos);
    }

    private int summarize(
            PrintWriter out,
            DemoStream stream,
            Map<String, PosteriorUpdate> lastByKey,
            List<DeadLetter> deadLetters,
            long posteriors,
            long startNanos) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        say(
                out,
                "%nDone in %.1f s: %,d events in, %,d posterior updates out, %,d dead letters.",
                elapsed,
                stream.published(),
                posteriors,
                deadLetters.size());
        say(
                out,
                "Latest posteriors of a few keys (quiver.posteriors), beside the true success"
                        + " rate:");
        lastByKey.values().stream()
                .limit(3)
                .forEach(
                        update ->
                                say(
                                        out,
                                        "  true p %.3f  %s",
                                        stream.trueProbability(update.getKey()),
                                        NdjsonCodec.of(PosteriorUpdate.class).encode(update)));
        deadLetters.stream()
                .map(DeadLetter::getReason)
                .distinct()
                .sorted(Comparator.naturalOrder())
                .limit(3)
                .forEach(reason -> say(out, "  dead letter: %s", reason));
        long mismatched =
                lastByKey.values().stream().filter(u -> !stream.matchesClosedForm(u)).count();
        boolean complete =
                posteriors == stream.validPublished()
                        && deadLetters.size() == stream.invalidPublished();
        if (complete && mismatched == 0 && lastByKey.size() == stream.keysSeen()) {
            say(
                    out,
                    "Checked: one update per valid event, every bad record dead-lettered, and the"
                            + " final posterior of all %d keys equals the closed form Beta(1 +"
                            + " successes, 1 + failures).",
                    lastByKey.size());
            return 0;
        }
        say(
                out,
                "Incomplete: expected %,d updates and %,d dead letters; %d keys differ from the"
                        + " closed form.",
                stream.validPublished(),
                stream.invalidPublished(),
                mismatched);
        return 1;
    }

    private static void say(PrintWriter out, String format, Object... args) {
        out.println(String.format(format, args));
        out.flush();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.delete(p);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
        }
    }

    /** The one-line live progress: rewritten in place on a terminal, a line every 2 s otherwise. */
    private static final class Progress {
        private final PrintWriter out;
        private final boolean inPlace;
        private long lastPrintNanos;

        Progress(PrintWriter out, boolean inPlace) {
            this.out = out;
            this.inPlace = inPlace;
        }

        void show(long in, long total, long results, long dead, long startNanos) {
            long now = System.nanoTime();
            if (!inPlace && now - lastPrintNanos < 2_000_000_000L) {
                return;
            }
            lastPrintNanos = now;
            double elapsed = Math.max(1e-9, (now - startNanos) / 1e9);
            String line =
                    String.format(
                            "events in %,d/%,d | posterior updates out %,d | %,.0f events/s | dead"
                                    + " letters %,d",
                            in, total, results, in / elapsed, dead);
            if (inPlace) {
                out.print("\r" + line + "   ");
            } else {
                out.println(line);
            }
            out.flush();
        }

        void finish() {
            if (inPlace) {
                out.println();
            }
        }
    }

    /** Publishes the demo's observations and remembers what a correct run must produce. */
    private static final class DemoStream {
        private final SyntheticStreams streams;
        private final Map<String, double[]> successesFailures =
                new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long published;
        private volatile long invalid;

        DemoStream(SyntheticStreams streams) {
            this.streams = streams;
        }

        void publish(String bootstrap, long count, double seconds) {
            AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
            try (RecordSender sender =
                    new RecordSender(
                            KafkaClients.producer(bootstrap),
                            InputType.observation,
                            Topics.OBSERVATIONS)) {
                Pacer pacer = new Pacer(count / seconds);
                for (long i = 0; i < count; i++) {
                    Observation observation = streams.observation(i);
                    if (i % BAD_RECORD_EVERY == BAD_RECORD_EVERY - 1) {
                        sender.sendRaw(
                                observation
                                        .getKey()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                brokenRecord(i / BAD_RECORD_EVERY, observation, codec));
                        invalid++;
                    } else {
                        sender.send(observation);
                        double[] counts =
                                successesFailures.computeIfAbsent(
                                        observation.getKey(), k -> new double[2]);
                        counts[observation.getValue() == 1.0 ? 0 : 1]++;
                    }
                    published = i + 1;
                    pacer.await(i + 1);
                }
                sender.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Cycles through the kinds of bad input a job must survive. */
        private static byte[] brokenRecord(
                long n, Observation observation, AvroSingleObjectCodec<Observation> codec) {
            return switch ((int) (n % 3)) {
                case 0 -> {
                    observation.setValue(2.0);
                    yield codec.encode(observation);
                }
                case 1 -> "this is not Avro".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                default -> {
                    byte[] bytes = codec.encode(observation);
                    yield Arrays.copyOf(bytes, bytes.length / 2);
                }
            };
        }

        long published() {
            return published;
        }

        long invalidPublished() {
            return invalid;
        }

        long validPublished() {
            return published - invalid;
        }

        int keysSeen() {
            return successesFailures.size();
        }

        double trueProbability(String key) {
            return streams.successProbability(
                    Integer.parseInt(key.substring(key.indexOf('-') + 1)));
        }

        boolean matchesClosedForm(PosteriorUpdate update) {
            double[] counts = successesFailures.get(update.getKey());
            return counts != null
                    && update.getParams().get("alpha") == 1 + counts[0]
                    && update.getParams().get("beta") == 1 + counts[1];
        }
    }
}
