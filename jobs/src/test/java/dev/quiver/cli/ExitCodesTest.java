package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.kafka.EmbeddedKafkaBroker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The CLI's exit codes as the README states them: 2 for bad usage (an option out of range or
 * unknown, a path that cannot be read or written), 1 for a failure while the command runs, each
 * reported as one line on stderr naming the cause (and, for bad usage, the command's help).
 * Commands run in process against a real broker.
 */
class ExitCodesTest {

    private static final int BAD_USAGE = 2;
    private static final int RUNTIME_FAILURE = 1;

    @TempDir static Path dir;

    private static EmbeddedKafkaBroker broker;

    /** The paths and addresses a case's {@code @name} arguments stand for. */
    private static Map<String, String> fixture;

    private static final AtomicInteger outputs = new AtomicInteger();

    @BeforeAll
    static void startBrokerAndWriteFiles() throws IOException {
        broker = EmbeddedKafkaBroker.builder().start();
        Path observations =
                Files.write(
                        dir.resolve("obs.ndjson"), List.of("{\"key\":\"a\",\"ts\":1,\"value\":1}"));
        Path regularFile = Files.writeString(dir.resolve("regular.txt"), "not a directory\n");
        Path directory = Files.createDirectory(dir.resolve("a-directory"));
        Path notACheckpoint = Files.createDirectory(dir.resolve("not-a-checkpoint"));
        Path notAModel = Files.writeString(dir.resolve("model.json"), "{\"learner\": 3}\n");
        Path owned = Files.writeString(dir.resolve("owned.properties"), "transactional.id=mine\n");
        Path brokerInFile =
                Files.writeString(
                        dir.resolve("broker.properties"),
                        "bootstrap.servers=" + broker.bootstrapServers() + "\n");
        fixture =
                Map.of(
                        "@obs", observations.toString(),
                        "@file", regularFile.toString(),
                        "@dir", directory.toString(),
                        "@notACheckpoint", notACheckpoint.toString(),
                        "@notAModel", notAModel.toString(),
                        "@ownedProperties", owned.toString(),
                        "@brokerProperties", brokerInFile.toString(),
                        "@unreadable", unreadableFile().toString(),
                        "@bootstrap", broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /**
     * A file this process cannot read: one without permissions, or, for root (who reads any file
     * whatever its mode), a write-only sysctl, which Linux refuses to read even to root.
     */
    private static Path unreadableFile() throws IOException {
        Path file = Files.writeString(dir.resolve("unreadable.ndjson"), "{}\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        return Files.isReadable(file) ? Path.of("/proc/sys/vm/drop_caches") : file;
    }

    /** One command line, the exit code it must give, and what its error line must name. */
    record Case(String command, int exit, String cause) {
        @Override
        public String toString() {
            return command + " -> " + exit;
        }
    }

    static Stream<Case> badUsage() {
        String bayes = "run bayes --input @obs --output @out ";
        String walk = "run walk --input @obs --output @out ";
        return Stream.of(
                new Case(walk + "--p 1.5", BAD_USAGE, "got 1.5"),
                new Case(walk + "--steps -5", BAD_USAGE, "steps must be in [1, "),
                new Case(
                        walk + "--steps 1000000000000",
                        BAD_USAGE,
                        "'1000000000000' is not an int"),
                new Case(walk + "--model nosuch", BAD_USAGE, "unknown model 'nosuch'"),
                new Case(walk + "--max-work 0", BAD_USAGE, "max-work must be >= 1, got 0"),
                new Case(bayes + "--parallelism 0", BAD_USAGE, "--parallelism must be at least 1"),
                new Case(bayes + "--decay 0", BAD_USAGE, "--decay must be in (0, 1], got 0"),
                new Case(bayes + "--model nosuch", BAD_USAGE, "--model must be one of"),
                // Known but unable to run here (the test-only backend, as a GPU backend without
                // a device), or unknown: refused before any job starts, for every job with one.
                new Case(
                        walk + "--backend unavailable",
                        BAD_USAGE,
                        "--backend: compute backend 'unavailable' cannot run here: no device for"
                                + " the test backend"),
                new Case(
                        "run match --vectors @obs --queries @obs --output @out --backend"
                                + " unavailable",
                        BAD_USAGE,
                        "--backend: compute backend 'unavailable' cannot run here: "),
                new Case(
                        "run score --model-id m --input @obs --output @out --backend unavailable",
                        BAD_USAGE,
                        "--backend: compute backend 'unavailable' cannot run here: "),
                new Case(
                        walk + "--backend tpu",
                        BAD_USAGE,
                        "--backend: unknown compute backend 'tpu'; known: "),
                new Case(
                        "run score --model-id m --input @obs --output @out --backend tpu",
                        BAD_USAGE,
                        "--backend: unknown compute backend 'tpu'; known: "),
                new Case(
                        bayes + "--backend java",
                        BAD_USAGE,
                        "Unknown options: '--backend', 'java'"),
                new Case("run", BAD_USAGE, "Missing job"),
                new Case(
                        "consume --bootstrap @bootstrap --topic t --colour",
                        BAD_USAGE,
                        "Unknown option: '--colour'"),
                new Case(
                        "run bayes --input @dir --output @out",
                        BAD_USAGE,
                        "@dir is a directory, not a file"),
                new Case(
                        "run bayes --input @unreadable --output @out",
                        BAD_USAGE,
                        "cannot read @unreadable"),
                new Case(
                        "run walk --input @obs --output /proc/x/out.ndjson",
                        BAD_USAGE,
                        "cannot create output file /proc/x/out.ndjson: cannot create /proc/x"),
                new Case(
                        "run walk --input @obs --output @file/out.ndjson",
                        BAD_USAGE,
                        "cannot create output file @file/out.ndjson: @file is not a directory"),
                new Case(
                        bayes + "--checkpoint-dir @file",
                        BAD_USAGE,
                        "@file is not a directory"),
                new Case(
                        "run bayes --bootstrap @bootstrap --checkpoint-dir @file",
                        BAD_USAGE,
                        "@file is not a directory"),
                new Case(
                        bayes + "--from-checkpoint @dir/gone",
                        BAD_USAGE,
                        "no checkpoint or savepoint at @dir/gone"),
                new Case(
                        "run bayes --bootstrap localhost --until-latest",
                        BAD_USAGE,
                        "'localhost' is not HOST:PORT"),
                new Case(
                        "run match --vectors @dir --queries @obs --output @out",
                        BAD_USAGE,
                        "@dir is a directory, not a file"),
                new Case(
                        "run score --model @dir --input @obs --output @out",
                        BAD_USAGE,
                        "@dir is a directory, not a file"),
                new Case(
                        "publish --bootstrap @bootstrap --type observation --file @dir",
                        BAD_USAGE,
                        "@dir is a directory, not a file"),
                new Case(
                        "publish --bootstrap @bootstrap --type observation --generate -1",
                        BAD_USAGE,
                        "--generate must be at least 0, got -1"),
                new Case(
                        "consume --bootstrap @bootstrap --topic t --max 0",
                        BAD_USAGE,
                        "--max must be at least 1, got 0"),
                new Case(
                        "publish-model --bootstrap @bootstrap --file @dir/gone.json --model-id m",
                        BAD_USAGE,
                        "no such file: @dir/gone.json"),
                new Case(
                        "publish --bootstrap @bootstrap --type observation --generate 1"
                                + " --kafka-property isolation.level=read_uncommitted",
                        BAD_USAGE,
                        "--kafka-property isolation.level, which Quiver sets itself"),
                new Case(
                        "run bayes --bootstrap @bootstrap --kafka-property enable.idempotence=false",
                        BAD_USAGE,
                        "--kafka-property enable.idempotence, which Quiver sets itself"),
                new Case(
                        "consume --bootstrap @bootstrap --topic t --kafka-config @ownedProperties",
                        BAD_USAGE,
                        "--kafka-config @ownedProperties sets transactional.id, which Quiver"),
                new Case(
                        "run bayes --bootstrap @bootstrap --kafka-config @dir/gone.properties",
                        BAD_USAGE,
                        "cannot read --kafka-config @dir/gone.properties"),
                new Case(
                        "publish-model --bootstrap @bootstrap --file @notAModel --model-id m"
                                + " --kafka-property ssl.keystore.password=hunter2",
                        BAD_USAGE,
                        "--kafka-property ssl.keystore.password is a secret"),
                new Case(
                        "run bayes --bootstrap @bootstrap --kafka-property client.id",
                        BAD_USAGE,
                        "expected KEY=VALUE, got no '='"),
                new Case("consume --topic t", BAD_USAGE, "give --bootstrap HOST:PORT, or"),
                new Case(
                        "run bayes --bootstrap @bootstrap --partitions 3",
                        BAD_USAGE,
                        "--partitions goes with --create-topics"),
                new Case(
                        bayes + "--kafka-config @brokerProperties",
                        BAD_USAGE,
                        "--input reads files; with a broker (--bootstrap, or bootstrap.servers"),
                new Case("broker --port 0 --data-dir @file", BAD_USAGE, "@file is not a directory"),
                new Case(
                        "broker --port 0 --users @file",
                        BAD_USAGE,
                        "--users needs --security sasl-ssl"),
                new Case(
                        "broker --port 0 --security tls",
                        BAD_USAGE,
                        "--security must be plaintext or sasl-ssl: tls"),
                new Case(
                        "broker --issue-client-cert carol",
                        BAD_USAGE,
                        "--issue-client-cert needs --data-dir"),
                new Case(
                        "broker --data-dir @dir --issue-client-cert ../carol",
                        BAD_USAGE,
                        "'../carol'"),
                new Case(
                        "cluster --run-dir @file/run status",
                        BAD_USAGE,
                        "cannot create directory @file/run: @file is not a directory"));
    }

    static Stream<Case> runtimeFailures() {
        return Stream.of(
                // Flink refuses it when the job starts: the cause, not Flink's wrapper, is shown.
                new Case(
                        "run bayes --input @obs --output @out --from-checkpoint @notACheckpoint",
                        RUNTIME_FAILURE,
                        "Cannot find meta data file '_metadata'"),
                new Case(
                        "run score --model @notAModel --input @obs --output @out",
                        RUNTIME_FAILURE,
                        "@notAModel"),
                new Case(
                        "consume --bootstrap @bootstrap --topic no-such-topic --max 1",
                        RUNTIME_FAILURE,
                        "topic no-such-topic does not exist"),
                // A refused ACL file is data, refused before the broker starts.
                new Case(
                        "broker --port 0 --security sasl-ssl --acls @file",
                        RUNTIME_FAILURE,
                        "@file line 1: expected PRINCIPAL OPERATION RESOURCE_TYPE NAME"),
                new Case(
                        "run walk --bootstrap @bootstrap --observations-topic none.obs"
                                + " --walks-topic none.walks --deadletter-topic none.dl",
                        RUNTIME_FAILURE,
                        "missing topics none.obs, none.walks, none.dl at "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"badUsage", "runtimeFailures"})
    void exitsWithItsCodeAndOneLineNamingTheCause(Case c) {
        String[] args =
                Arrays.stream(c.command().split(" "))
                        .map(ExitCodesTest::resolve)
                        .toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // As bin/quiver runs it: the commands that start Flink or Kafka say where the logs go.
        var cli = QuiverCli.withLogNotice(QuiverCli.commandLine());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute(args);

        List<String> lines = err.toString().lines().toList();
        assertThat(exit).as(err.toString()).isEqualTo(c.exit());
        if (c.exit() == BAD_USAGE) {
            // Reported alone: no notice of a log file first, no usage text after.
            String command = "quiver " + String.join(" ", commandWords(args));
            assertThat(lines)
                    .singleElement()
                    .asString()
                    .startsWith("quiver: ")
                    .contains(resolve(c.cause()))
                    .endsWith(" (see '" + command + " --help')");
        } else {
            // One line, after the notice of the log file that holds the details.
            assertThat(lines.get(lines.size() - 1))
                    .startsWith("quiver: ")
                    .contains(resolve(c.cause()));
            assertThat(lines.subList(0, lines.size() - 1))
                    .as(err.toString())
                    .hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(notice -> assertThat(notice).startsWith("logs: "));
        }
    }

    /** The words of {@code args} that name the command, up to the first option. */
    private static List<String> commandWords(String[] args) {
        return Arrays.stream(args).takeWhile(arg -> !arg.startsWith("-")).toList();
    }

    /** {@code text} with each {@code @name} of the fixture replaced; {@code @out} a new path. */
    private static String resolve(String text) {
        String resolved =
                text.replace(
                        "@out",
                        dir.resolve("out-" + outputs.incrementAndGet() + ".ndjson").toString());
        for (Map.Entry<String, String> entry : fixture.entrySet()) {
            resolved = resolved.replace(entry.getKey(), entry.getValue());
        }
        return resolved;
    }
}
