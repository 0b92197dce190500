package dev.quiver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.quiver.kafka.KafkaTestClients;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@code deploy/local} scripts driven from a test: a cluster of real processes (broker,
 * JobManager, TaskManagers) in its own run dir on free ports, so it runs beside anything else on
 * the machine. Every failure is an {@link AssertionError} that carries the script's output and the
 * tail of the relevant process log. {@link #close()} takes the cluster down and kills whatever
 * survived, so a failed test leaves no process behind.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.create(tempDir)) {
 *     cluster.up(2);
 *     String jobId = cluster.submit("bayes", "--parallelism", "2");
 *     cluster.awaitJobRunning(jobId, Duration.ofMinutes(2));
 *     String savepoint = cluster.savepoint(jobId);
 * }
 * }</pre>
 */
public final class LocalCluster implements AutoCloseable {

    /** Slow steps on a loaded 2-core machine: JVM starts, job deployment, savepoints. */
    public static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(6);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path checkout;
    private final Path runDir;
    private final Path outputDir;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private int scriptRuns;

    private LocalCluster(Path checkout, Path dir) throws IOException {
        this.checkout = checkout;
        this.runDir = Files.createDirectories(dir.resolve("run"));
        this.outputDir = Files.createDirectories(dir.resolve("script-output"));
        int prom = KafkaTestClients.freePort();
        env.put("QUIVER_RUN_DIR", runDir.toString());
        env.put("QUIVER_KAFKA_PORT", Integer.toString(KafkaTestClients.freePort()));
        env.put("QUIVER_FLINK_PORT", Integer.toString(KafkaTestClients.freePort()));
        env.put("QUIVER_FLINK_RPC_PORT", Integer.toString(KafkaTestClients.freePort()));
        env.put("QUIVER_PROM_PORTS", prom + "-" + (prom + 9));
    }

    /**
     * A cluster whose run dir and script outputs live under {@code dir}; the checkout is the one
     * the build runs in (system property {@code quiver.checkout}). Nothing starts yet.
     */
    public static LocalCluster create(Path dir) throws IOException {
        return new LocalCluster(Path.of(System.getProperty("quiver.checkout")), dir);
    }

    /** The run dir: pids, logs, broker data, checkpoints, savepoints. */
    public Path runDir() {
        return runDir;
    }

    /** The broker's bootstrap servers. */
    public String bootstrap() {
        return "localhost:" + env.get("QUIVER_KAFKA_PORT");
    }

    /** The Flink REST API's base URL. */
    public String restUrl() {
        return "http://localhost:" + env.get("QUIVER_FLINK_PORT");
    }

    /** The environment the scripts run with: run dir and ports. */
    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    /** {@code up --taskmanagers n}; fails unless it exits 0. */
    public void up(int taskManagers) {
        run("up", "--taskmanagers", Integer.toString(taskManagers)).assertSuccess();
    }

    /** {@code submit job [-- args]}; returns the job id, the last line of its output. */
    public String submit(String job, String... jobArgs) {
        List<String> args = new ArrayList<>(List.of(job, "--"));
        args.addAll(List.of(jobArgs));
        return run("submit", args.toArray(String[]::new)).assertSuccess().lastLine();
    }

    /**
     * {@code submit job --from-savepoint savepoint -- args} with {@code QUIVER_JOB_JAR=jobJar}: an
     * upgraded job jar restarted from a savepoint of the old one (either may be null: the build's
     * jar, no savepoint). Returns the job id.
     */
    public String submit(Path jobJar, String savepoint, String job, String... jobArgs) {
        List<String> args = new ArrayList<>(List.of(job));
        if (savepoint != null) {
            args.addAll(List.of("--from-savepoint", savepoint));
        }
        args.add("--");
        args.addAll(List.of(jobArgs));
        Map<String, String> jar =
                jobJar == null ? Map.of() : Map.of("QUIVER_JOB_JAR", jobJar.toString());
        return run(jar, "submit", args.toArray(String[]::new)).assertSuccess().lastLine();
    }

    /** {@code savepoint jobId --stop}: stop-with-savepoint; returns the savepoint's path. */
    public String stopWithSavepoint(String jobId) {
        return run("savepoint", jobId, "--stop").assertSuccess().lastLine();
    }

    /** {@code savepoint jobId}; returns the savepoint's path. */
    public String savepoint(String jobId) {
        return run("savepoint", jobId).assertSuccess().lastLine();
    }

    /** {@code down}; fails unless it exits 0. */
    public void down() {
        run("down").assertSuccess();
    }

    /**
     * Runs {@code deploy/local/<script> args} and waits for it, at most {@link #SCRIPT_TIMEOUT}.
     */
    public ScriptResult run(String script, String... args) {
        return run(Map.of(), script, args);
    }

    private ScriptResult run(Map<String, String> extraEnv, String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(checkout.resolve("deploy/local").resolve(script).toString());
        command.addAll(List.of(args));
        String name = String.format("%02d-%s", ++scriptRuns, script);
        Path out = outputDir.resolve(name + ".out");
        Path err = outputDir.resolve(name + ".err");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command)
                            .directory(checkout.toFile())
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile());
            builder.environment().putAll(env);
            builder.environment().putAll(extraEnv);
            Process process = builder.start();
            boolean finished = process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            return new ScriptResult(
                    String.join(" ", command),
                    finished ? process.exitValue() : -1,
                    Files.readString(out),
                    Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** GET on the REST API, as JSON. */
    public JsonNode rest(String path) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(restUrl() + path))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 400) {
                throw new AssertionError(
                        "GET " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed" + logTail("jobmanager"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Resource ids of the TaskManagers registered with the JobManager: taskmanager-N. */
    public List<String> registeredTaskManagers() {
        List<String> ids = new ArrayList<>();
        rest("/taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /**
     * Waits until the job and every one of its tasks are RUNNING, so records published from now on
     * are read.
     */
    public void awaitJobRunning(String jobId, Duration timeout) {
        awaitJob(
                jobId,
                job ->
                        job.path("state").asText().equals("RUNNING")
                                && !job.path("vertices").isEmpty()
                                && toList(job.path("vertices")).stream()
                                        .allMatch(v -> v.path("status").asText().equals("RUNNING")),
                "all tasks RUNNING",
                timeout);
    }

    /** Waits until the job's REST view ({@code /jobs/<id>}) satisfies {@code condition}. */
    public JsonNode awaitJob(
            String jobId, Predicate<JsonNode> condition, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = rest("/jobs/" + jobId);
        while (!condition.test(job)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "job "
                                + jobId
                                + " not "
                                + what
                                + " within "
                                + timeout
                                + "; last state "
                                + job.path("state").asText()
                                + ", exceptions: "
                                + rest("/jobs/" + jobId + "/exceptions")
                                        .path("exceptionHistory")
                                        .path("entries")
                                        .path(0)
                                        .path("exceptionName")
                                        .asText()
                                + logTail("jobmanager"));
            }
            sleep(Duration.ofMillis(500));
            job = rest("/jobs/" + jobId);
        }
        return job;
    }

    /** Pids from the run dir's pid files, by process name. */
    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(runDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".pid", "");
                pids.put(name, Long.parseLong(Files.readString(file).strip()));
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return pids;
    }

    /**
     * Whether the process has exited: gone, or a zombie (an exited process whose parent has not
     * reaped it yet; the script's processes are orphans, reaped by init whenever it gets to it).
     */
    public static boolean hasExited(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // Fields after the parenthesised command name: state first.
                return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
            } catch (IOException e) {
                return true; // gone between the two looks
            }
        }
        return true;
    }

    /** The last 40 lines of a process's log, as a message suffix; empty if it has no log. */
    public String logTail(String process) {
        Path log = runDir.resolve(process + ".log");
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log);
            return "\n--- last lines of "
                    + log
                    + ":\n"
                    + String.join(
                            "\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "\n(cannot read " + log + ": " + e + ")";
        }
    }

    /** Takes the cluster down, then kills any process of it that is still alive. */
    @Override
    public void close() {
        Map<String, Long> pids = pids();
        if (pids.isEmpty()) {
            return;
        }
        run("down");
        for (long pid : pids.values()) {
            ProcessHandle.of(pid)
                    .filter(p -> p.info().commandLine().orElse("").contains(runDir.toString()))
                    .ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What a script printed and how it exited (-1: killed after {@link #SCRIPT_TIMEOUT}). */
    public final class ScriptResult {
        private final String command;
        private final int exitCode;
        private final String stdout;
        private final String stderr;

        ScriptResult(String command, int exitCode, String stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The exit code, -1 if the script was killed for taking too long. */
        public int exitCode() {
            return exitCode;
        }

        /** Standard output. */
        public String stdout() {
            return stdout;
        }

        /** Standard error. */
        public String stderr() {
            return stderr;
        }

        /** The last line of standard output. */
        public String lastLine() {
            List<String> lines = stdout.strip().lines().toList();
            if (lines.isEmpty()) {
                throw new AssertionError(command + " printed nothing on stdout" + describe());
            }
            return lines.get(lines.size() - 1).strip();
        }

        /** Fails unless the script exited 0, with its output and the tails of every process log. */
        public ScriptResult assertSuccess() {
            if (exitCode != 0) {
                StringBuilder logs = new StringBuilder();
                pids().keySet().forEach(p -> logs.append(logTail(p)));
                throw new AssertionError(
                        command
                                + (exitCode < 0
                                        ? " did not finish within " + SCRIPT_TIMEOUT
                                        : " exited " + exitCode)
                                + describe()
                                + logs);
            }
            return this;
        }

        private String describe() {
            return "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }
}
