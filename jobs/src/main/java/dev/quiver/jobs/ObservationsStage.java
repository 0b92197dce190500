package dev.quiver.jobs;

import java.util.List;

/**
 * A stage that reads observations and writes one result topic (bayes, walk): its inputs are the
 * {@link ObservationsInput}'s, its topics that input's and its own result's.
 *
 * <pre>{@code
 * public final class EchoStage extends ObservationsStage {
 *     public EchoStage() { super(TopicOption.result("--echoes-topic", "quiver.echoes")); }
 *
 *     public void check() {}
 *     public void addTo(StageContext context) { ... }
 * }
 * }</pre>
 */
public abstract class ObservationsStage implements Stage {

    /** Where the observations come from: the topic, or an NDJSON file in file mode. */
    final ObservationsInput observations = new ObservationsInput();

    /** The topic the stage writes its results to. */
    final TopicOption resultTopic;

    ObservationsStage(TopicOption resultTopic) {
        this.resultTopic = resultTopic;
    }

    @Override
    public final List<TopicOption> topics() {
        return List.of(observations.topic, resultTopic);
    }

    @Override
    public final List<FileOption> files() {
        return List.of(observations.file);
    }
}
