package dev.quiver.jobs;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.apache.flink.streaming.api.transformations.SourceTransformation;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What a savepoint restore depends on in a job, as sorted text lines: every stream node's uid,
 * name and parallelism, the edges between them, every job vertex's id and operator ids (hashed
 * from the uids), and each Kafka source's consumer group and Kafka sink's transactional-id prefix.
 * Two builds of a job with the same lines restore each other's savepoints.
 *
 * <pre>{@code
 * List<String> lines = JobGraphFingerprint.of(env, tempDir.toString());
 * }</pre>
 */
final class JobGraphFingerprint {

    private JobGraphFingerprint() {}

    /** The lines of {@code env}'s job; {@code tempDir} in names is replaced by {@code <dir>}. */
    static List<String> of(StreamExecutionEnvironment env, String tempDir) throws Exception {
        List<String> lines = new ArrayList<>(connectorLines(env.getTransformations()));
        StreamGraph graph = env.getStreamGraph();
        Map<Integer, String> labels = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            labels.put(node.getId(), node.getTransformationUID() + "/" + node.getOperatorName());
        }
        for (StreamNode node : graph.getStreamNodes()) {
            lines.add(
                    "node uid="
                            + node.getTransformationUID()
                            + " name="
                            + node.getOperatorName()
                            + " parallelism="
                            + node.getParallelism()
                            + " maxParallelism="
                            + node.getMaxParallelism());
            for (StreamEdge edge : node.getOutEdges()) {
                lines.add(
                        "edge "
                                + labels.get(edge.getSourceId())
                                + " -> "
                                + labels.get(edge.getTargetId())
                                + " "
                                + edge.getPartitioner());
            }
        }
        JobGraph jobGraph = graph.getJobGraph();
        for (JobVertex vertex : jobGraph.getVertices()) {
            List<String> operators = new ArrayList<>();
            for (OperatorIDPair ids : vertex.getOperatorIDs()) {
                operators.add(
                        ids.getGeneratedOperatorID()
                                + ids.getUserDefinedOperatorID().map(id -> "/" + id).orElse(""));
            }
            lines.add(
                    "vertex "
                            + vertex.getID()
                            + " name="
                            + vertex.getName()
                            + " parallelism="
                            + vertex.getParallelism()
                            + " operators="
                            + operators);
        }
        return lines.stream().map(line -> line.replace(tempDir, "<dir>")).sorted().toList();
    }

    /** Consumer groups of Kafka sources and transactional-id prefixes of Kafka sinks. */
    private static List<String> connectorLines(List<Transformation<?>> sinks) throws Exception {
        Set<Transformation<?>> all = new LinkedHashSet<>();
        for (Transformation<?> transformation : sinks) {
            addWithInputs(transformation, all);
        }
        List<String> lines = new ArrayList<>();
        for (Transformation<?> transformation : all) {
            if (transformation instanceof SourceTransformation<?, ?, ?> source) {
                Source<?, ?, ?> connector = source.getSource();
                if (connector.getClass().getSimpleName().equals("KafkaSource")) {
                    Properties props = (Properties) field(connector, "props");
                    lines.add(
                            "kafka-source uid="
                                    + source.getUid()
                                    + " group.id="
                                    + props.getProperty("group.id")
                                    + " isolation.level="
                                    + props.getProperty("isolation.level"));
                }
            } else if (transformation instanceof SinkTransformation<?, ?> sink) {
                Sink<?> connector = sink.getSink();
                if (connector.getClass().getSimpleName().equals("KafkaSink")) {
                    lines.add(
                            "kafka-sink uid="
                                    + sink.getUid()
                                    + " transactionalIdPrefix="
                                    + field(connector, "transactionalIdPrefix")
                                    + " deliveryGuarantee="
                                    + field(connector, "deliveryGuarantee"));
                }
            }
        }
        return lines;
    }

    /**
     * Adds {@code transformation} and everything upstream of it, through its inputs: a broadcast
     * connection's transitive predecessors stop at its inputs, so they would miss the sources
     * behind them.
     */
    private static void addWithInputs(Transformation<?> transformation, Set<Transformation<?>> all) {
        if (all.add(transformation)) {
            for (Transformation<?> input : transformation.getInputs()) {
                addWithInputs(input, all);
            }
        }
    }

    private static Object field(Object target, String name) throws Exception {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }
}
