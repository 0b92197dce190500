package dev.quiver.cli;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.NdjsonCodec;
import dev.quiver.io.Topics;
import dev.quiver.jobs.PipelineJob;
import dev.quiver.jobs.UsageChecked;
import dev.quiver.kafka.EmbeddedKafkaBroker;
import dev.quiver.kafka.KafkaClientConfig;
import dev.quiver.kafka.KafkaTopics;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * process, runs the pipeline job (every stage: bayes, match) on Flink's MiniCluster, publishes a
 * synthetic stream with a few deliberately bad records, follows the result topics with live
 * progress, checks the results against independent computations, and stops everything it started.
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
final class DemoCommand implements Callable<Integer>, UsageChecked {

    @Spec CommandSpec spec;

    @Mixin GeneratorOptions generator;

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
            names = "--vectors",
            paramLabel = "V",
            defaultValue = "2000",
            description = "Vectors indexed before the queries start (default: ${DEFAULT-VALUE}).")
    int vectors;

    @Option(
            names = "--parallelism",
            paramLabel = "P",
            defaultValue = "2",
            description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Override
    public void checkUsage() {
        if (events < 1 || seconds <= 0 || generator.keys() < 1 || vectors < 1 || parallelism < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--events, --seconds, --keys, --vectors and --parallelism must be positive");
        }
    }

    @Override
    public Integer call() throws Exception {
        checkUsage();
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
            JobClient job =
                    PipelineJob.build(
                                    "--bootstrap",
                                    bootstrap,
                                    "--parallelism",
                                    String.valueOf(parallelism),
                                    "--checkpoint-interval-ms",
                                    "1000",
                                    "--checkpoint-dir",
                                    checkpoints.toString(),
                                    "--group-id",
                                    "quiver-demo")
                            .executeAsync("quiver demo");
            say(
                    out,
                    "Flink job %s (bayes, match and walk stages) running on the MiniCluster"
                            + " (parallelism %d, checkpoints every 1 s)",
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

    private int run(String bootstrap, PrintWriter out) throws Exception {
        DemoStream stream = new DemoStream(generator.streams(8, "default"), vectors);
        long startNanos = System.nanoTime();
        CompletableFuture<Void> publishing =
                CompletableFuture.runAsync(() -> stream.publish(bootstrap, events, seconds));
        Progress progress = new Progress(out, System.console() != null);
        Results results = new Results();
        long deadlineNanos = startNanos + (long) ((seconds + 90) * 1e9);
        try (KafkaConsumer<byte[], byte[]> consumer =
                KafkaClients.consumer(bootstrap, KafkaClientConfig.none())) {
            List<TopicPartition> partitions =
                    Stream.of(Topics.POSTERIORS, Topics.MATCHES, Topics.DEAD_LETTER)
                            .flatMap(t -> consumer.partitionsFor(t).stream())
                            .map(p -> new TopicPartition(p.topic(), p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadlineNanos) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(250))) {
                    results.add(record, stream);
                }
                progress.show(stream, events, results, startNanos);
                if (publishing.isDone() && results.complete(stream)) {
                    break;
                }
            }
        }
        publishing.get(5, TimeUnit.SECONDS);
        progress.finish();
        return summarize(out, stream, results, startNanos);
    }

    private int summarize(PrintWriter out, DemoStream stream, Results results, long startNanos) {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        say(
                out,
                "%nDone in %.1f s: %,d vectors and %,d events in; %,d posterior updates, %,d"
                        + " matches and %,d dead letters out.",
                elapsed,
                stream.vectorCount(),
                stream.published(),
                results.posteriors,
                results.matches.size(),
                results.deadLetters.size());
        say(
                out,
                "Latest posteriors of a few keys (quiver.posteriors), beside the true success"
                        + " rate:");
        results.lastByKey.values().stream()
                .limit(3)
                .forEach(
                        update ->
                                say(
                                        out,
                                        "  true p %.3f  %s",
                                        stream.trueProbability(update.getKey()),
                                        NdjsonCodec.of(PosteriorUpdate.class).encode(update)));
        results.matches.stream()
                .limit(1)
                .forEach(
                        m ->
                                say(
                                        out,
                                        "A match result (quiver.matches):%n  %s",
                                        NdjsonCodec.of(MatchResult.class).encode(m)));
        results.deadLetters.stream()
                .map(DeadLetter::getReason)
                .distinct()
                .sorted(Comparator.naturalOrder())
                .limit(3)
                .forEach(reason -> say(out, "  dead letter: %s", reason));

        long wrongPosteriors =
                results.lastByKey.values().stream()
                        .filter(u -> !stream.matchesClosedForm(u))
                        .count();
        List<MatchResult> fullIndex =
                results.matches.stream()
                        .filter(m -> m.getIndexSize() == stream.vectorCount())
                        .toList();
        long wrongMatches = fullIndex.stream().filter(m -> !stream.matchesBruteForce(m)).count();
        boolean ok =
                results.complete(stream)
                        && wrongPosteriors == 0
                        && results.lastByKey.size() == stream.keysSeen()
                        && wrongMatches == 0
                        && !fullIndex.isEmpty();
        if (ok) {
            say(
                    out,
                    "Checked: one update per valid event, one answer per query, every bad record"
                        + " dead-lettered; the final posterior of all %d keys equals the closed"
                        + " form Beta(1 + successes, 1 + failures); %,d of %,d match results (those"
                        + " answered against the full index) equal brute force.",
                    results.lastByKey.size(),
                    fullIndex.size(),
                    results.matches.size());
            return 0;
        }
        say(
                out,
                "Incomplete: expected %,d updates, %,d matches and %,d dead letters; %d keys differ"
                        + " from the closed form, %d match results from brute force.",
                stream.validPublished(),
                stream.queriesPublished(),
                stream.invalidPublished(),
                wrongPosteriors,
                wrongMatches);
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

    /** What came out of the result topics so far. */
    private static final class Results {
        private final AvroSingleObjectCodec<PosteriorUpdate> updates =
                AvroSingleObjectCodec.of(PosteriorUpdate.class);
        private final AvroSingleObjectCodec<MatchResult> matchCodec =
                AvroSingleObjectCodec.of(MatchResult.class);
        private final AvroSingleObjectCodec<DeadLetter> deadCodec =
                AvroSingleObjectCodec.of(DeadLetter.class);
        final Map<String, PosteriorUpdate> lastByKey = new TreeMap<>();
        final List<MatchResult> matches = new ArrayList<>();
        final List<DeadLetter> deadLetters = new ArrayList<>();
        long posteriors;

        void add(ConsumerRecord<byte[], byte[]> record, DemoStream stream) throws Exception {
            switch (record.topic()) {
                case Topics.POSTERIORS -> {
                    PosteriorUpdate update = updates.decode(record.value());
                    lastByKey.merge(
                            update.getKey(), update, (a, b) -> a.getN() >= b.getN() ? a : b);
                    posteriors++;
                }
                case Topics.MATCHES -> {
                    MatchResult match = matchCodec.decode(record.value());
                    matches.add(match);
                    stream.sawMatch(match);
                }
                default -> deadLetters.add(deadCodec.decode(record.value()));
            }
        }

        boolean complete(DemoStream stream) {
            return posteriors == stream.validPublished()
                    && matches.size() == stream.queriesPublished()
                    && deadLetters.size() == stream.invalidPublished();
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

        void show(DemoStream stream, long total, Results results, long startNanos) {
            long now = System.nanoTime();
            if (!inPlace && now - lastPrintNanos < 2_000_000_000L) {
                return;
            }
            lastPrintNanos = now;
            double elapsed = Math.max(1e-9, (now - startNanos) / 1e9);
            String line =
                    String.format(
                            "events in %,d/%,d | %,.0f events/s | posterior updates out %,d |"
                                    + " matches out %,d | dead letters %,d",
                            stream.published(),
                            total,
                            stream.published() / elapsed,
                            results.posteriors,
                            results.matches.size(),
                            results.deadLetters.size());
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
}
