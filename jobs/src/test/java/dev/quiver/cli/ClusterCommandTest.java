package dev.quiver.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code quiver cluster}: the subcommands run the checkout's deploy/local scripts and pass their
 * exit codes through. The cluster itself is exercised by LocalClusterIT.
 */
class ClusterCommandTest {

    private static final Path CHECKOUT = Path.of(System.getProperty("quiver.checkout"));

    @Test
    void statusWithNothingRunningSaysSoAndExitsThree(@TempDir Path dir) throws Exception {
        Path runDir = dir.resolve("run");
        Path out = dir.resolve("out.txt");
        // A fresh JVM, as bin/quiver starts it: the script inherits its standard output.
        Process cli =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-D" + ClusterCommand.HOME_PROPERTY + "=" + CHECKOUT,
                                QuiverCli.class.getName(),
                                "cluster",
                                "--run-dir",
                                runDir.toString(),
                                "status")
                        .redirectErrorStream(true)
                        .redirectOutput(out.toFile())
                        .start();
        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).as("cluster status finished").isTrue();
        String output = Files.readString(out);

        assertThat(cli.exitValue()).as(output).isEqualTo(3);
        assertThat(output.lines().toList())
                .containsSubsequence(
                        "kafka not running",
                        "jobmanager not running",
                        "nothing running (run dir " + runDir + ")");
        assertThat(runDir).as("status creates nothing").doesNotExist();
    }

    @Test
    void submitHandsTheKafkaOptionsToTheJobAndRefusesASecretBeforeTheScriptRuns(@TempDir Path dir)
            throws Exception {
        // A checkout whose submit script writes down the arguments it gets.
        Path script = Files.createDirectories(dir.resolve("deploy/local")).resolve("submit");
        Files.writeString(
                script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args.txt\"\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Path settings = Files.writeString(dir.resolve("client.properties"), "linger.ms=1\n");
        String relative = Path.of("").toAbsolutePath().relativize(settings).toString();
        System.setProperty(ClusterCommand.HOME_PROPERTY, dir.toString());
        try {
            StringWriter err = new StringWriter();
            CommandLine cli = QuiverCli.commandLine();
            cli.setErr(new PrintWriter(err));
            int refused =
                    cli.execute(
                            "cluster", "submit", "bayes",
                            "--kafka-property", "ssl.keystore.password=hunter2");
            assertThat(refused).isEqualTo(2);
            assertThat(err.toString()).contains("ssl.keystore.password is a secret");
            assertThat(err.toString()).doesNotContain("hunter2");
            assertThat(dir.resolve("deploy/local/args.txt")).doesNotExist();

            int exit =
                    QuiverCli.commandLine()
                            .execute(
                                    "cluster", "submit", "bayes",
                                    "--kafka-config", relative,
                                    "--kafka-property", "client.id=quiver-bayes",
                                    "--", "--prior-alpha", "2");

            assertThat(exit).isZero();
            assertThat(Files.readAllLines(dir.resolve("deploy/local/args.txt")))
                    .containsExactly(
                            "bayes",
                            "--",
                            "--kafka-config",
                            settings.toAbsolutePath().toString(),
                            "--kafka-property",
                            "client.id=quiver-bayes",
                            "--prior-alpha",
                            "2");
        } finally {
            System.clearProperty(ClusterCommand.HOME_PROPERTY);
        }
    }

    @Test
    void eachSubcommandRunsTheScriptOfItsNameWithItsOptionsAndPassesItsExitCode(
            @TempDir Path checkout) throws Exception {
        Path scripts = Files.createDirectories(checkout.resolve("deploy").resolve("local"));
        Path calls = checkout.resolve("calls.txt");
        for (String name : List.of("up", "down", "submit", "status")) {
            Path script = scripts.resolve(name);
            Files.writeString(
                    script, "#!/bin/sh\necho \"" + name + " $*\" >> '" + calls + "'\nexit 7\n");
            assertThat(script.toFile().setExecutable(true)).isTrue();
        }
        CommandLine cli = QuiverCli.commandLine();
        System.setProperty(ClusterCommand.HOME_PROPERTY, checkout.toString());
        try {
            assertThat(cli.execute("cluster", "up")).isEqualTo(7);
            assertThat(cli.execute("cluster", "up", "--taskmanagers", "3", "--slots", "4"))
                    .isEqualTo(7);
            assertThat(cli.execute("cluster", "down")).isEqualTo(7);
            assertThat(cli.execute("cluster", "down", "--purge")).isEqualTo(7);
            assertThat(cli.execute("cluster", "submit", "bayes")).isEqualTo(7);
            assertThat(
                            cli.execute(
                                    "cluster",
                                    "submit",
                                    "walk",
                                    "--from-savepoint",
                                    "/savepoints/sp-1",
                                    "--parallelism",
                                    "2",
                                    "--",
                                    "--steps",
                                    "10"))
                    .isEqualTo(7);
            assertThat(cli.execute("cluster", "status")).isEqualTo(7);
        } finally {
            System.clearProperty(ClusterCommand.HOME_PROPERTY);
        }

        assertThat(Files.readAllLines(calls))
                .containsExactly(
                        "up --taskmanagers 2 --slots 2",
                        "up --taskmanagers 3 --slots 4",
                        "down ",
                        "down --purge",
                        "submit bayes --",
                        "submit walk --from-savepoint /savepoints/sp-1 --parallelism 2 -- --steps"
                                + " 10",
                        "status ");
    }

    @Test
    void withoutACheckoutTheCommandFailsWithOneLine() {
        assertThat(System.getProperty(ClusterCommand.HOME_PROPERTY)).isNull();
        StringWriter err = new StringWriter();
        CommandLine cli = QuiverCli.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("cluster", "status");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().lines().toList())
                .containsExactly(
                        "quiver: quiver cluster runs the scripts of a checkout: start it with"
                                + " bin/quiver (or set -Dquiver.home=<checkout>)");
    }

    @Test
    void missingSubcommandIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = QuiverCli.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("cluster")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command: one of up, down, submit, status");
        assertThat(cli.execute("cluster", "submit")).isEqualTo(2);
        assertThat(List.of(cli.getSubcommands().get("cluster").getSubcommands().keySet().toArray()))
                .containsExactly("up", "down", "submit", "status");
    }
}
