package dev.quiver.jobs;

import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stage that reads observations and writes one result topic (bayes, walk): its inputs are the
 * {@link ObservationsInput} mixin's, its topics that input's and its own result's.
 *
 * <pre>{@code
 * public final class EchoStage extends ObservationsStage {
 *     final TopicOption echoes = TopicOption.result("--echoes-topic", "quiver.echoes");
 *
 *     TopicOption resultTopic() { return echoes; }
 *     public void check() {}
 *     public void addTo(StageContext context) { ... }
 * }
 * }</pre>
 */
public abstract class ObservationsStage implements Stage {

    /** Where the observations come from: the topic, or an NDJSON file in file mode. */
    @Mixin ObservationsInput observations;

    /** The topic the stage writes its results to. */
    abstract TopicOption resultTopic();

    @Override
    public final List<TopicOption> topics() {
        return List.of(observations.topic, resultTopic());
    }

    @Override
    public final Map<String, Path> fileInputs() {
        return observations.fileInputs();
    }
}
