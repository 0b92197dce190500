package dev.quiver.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One stage of a pipeline: decode its inputs, run its family's keyed function, write results and
 * dead letters. An implementation is also a picocli mixin holding the family's own options, which
 * {@link JobCommand} puts beside the options every job shares. Its name is its family's, in {@link
 * JobRegistry}: the consumer group {@code quiver-NAME} and the prefix of its source and sink uids
 * and transactional ids.
 *
 * <p>{@link JobCommand} calls {@link #check()} before anything connects or starts, then {@link
 * #addTo(StageContext)} once; the context's dead letters are written after {@code addTo} returns.
 *
 * <pre>{@code
 * public final class EchoStage implements Stage {
 *     @Mixin ObservationsInput observations;
 *
 *     final TopicOption echoes = TopicOption.result("--echoes-topic", "quiver.echoes");
 *
 *     public List<TopicOption> topics() { return List.of(observations.topic, echoes); }
 *     public Map<String, Path> fileInputs() { return observations.fileInputs(); }
 *     public void check() {}
 *     public void addTo(StageContext context) { ... }
 * }
 * }</pre>
 */
public interface Stage {

    /** The topics the stage reads and writes; their options are added beside its own. */
    List<TopicOption> topics();

    /**
     * The stage's file inputs by option name in the order the messages name them, null where not
     * given (Kafka mode). The shared options check them against {@code --bootstrap} and {@code
     * --output}.
     */
    Map<String, Path> fileInputs();

    /**
     * Checks the stage's own options (and reads what they name) before anything starts.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    void check();

    /** Adds the stage's operators and sinks to the context's environment. */
    void addTo(StageContext context);
}
