package dev.quiver.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * jobs/src/test/python/kafka_clients.py, Python's confluent_kafka driven through the modules of
 * docs/python.md: sends a plan of records to a topic, and reads a result topic.
 *
 * <pre>{@code
 * PythonKafkaClients python = new PythonKafkaClients(modules, clientProperties, schemasDir);
 * Map<Integer, JsonNode> reports = python.produce("quiver.observations", planFile);
 * ExternalTools.Running reader = python.startReading("quiver.posteriors", 61, 50);
 * List<JsonNode> results = PythonKafkaClients.jsonLines(
 *         reader.await(Duration.ofSeconds(60)).assertSucceeded().stdoutText());
 * }</pre>
 *
 * @param modules the folder of docs/python.md's modules
 * @param clientProperties librdkafka's settings as {@code property=value} lines
 * @param schemas the folder {@code quiver schemas --out} wrote
 */
public record PythonKafkaClients(Path modules, Path clientProperties, Path schemas) {

    private static final Duration PRODUCE_BOUND = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Sends the records of {@code plan} (a JSON file, see kafka_clients.py) to {@code topic};
     * returns the reports it printed, by the index of their record in the plan.
     */
    public Map<Integer, JsonNode> produce(String topic, Path plan)
            throws IOException, InterruptedException {
        Map<Integer, JsonNode> byIndex = new HashMap<>();
        String out = ExternalTools.runPython(modules, PRODUCE_BOUND, args("produce", topic, plan));
        jsonLines(out).forEach(r -> byIndex.put(r.get("index").asInt(), r));
        return byIndex;
    }

    /**
     * Starts reading {@code topic} until {@code count} records came and two seconds more, or {@code
     * timeoutSeconds}; each record is a JSON line of its output.
     */
    public ExternalTools.Running startReading(String topic, int count, long timeoutSeconds)
            throws IOException {
        return ExternalTools.startPython(modules, args("consume", topic, count, timeoutSeconds));
    }

    /** Each line of {@code text} as JSON. */
    public static List<JsonNode> jsonLines(String text) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.lines().toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private String[] args(String command, String topic, Object... rest) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                ExternalTools.pythonScript("kafka_clients.py").toString(),
                                command,
                                clientProperties.toString(),
                                schemas.toString(),
                                topic));
        for (Object arg : rest) {
            args.add(arg.toString());
        }
        return args.toArray(String[]::new);
    }
}
