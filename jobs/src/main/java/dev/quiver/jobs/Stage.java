package dev.quiver.jobs;

import java.util.List;

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
 *     final ObservationsInput observations = new ObservationsInput();
 *
 *     final TopicOption echoes = TopicOption.result("--echoes-topic", "quiver.echoes");
 *
 *     public List<TopicOption> topics() { return List.of(observations.topic, echoes); }
 *     public List<FileOption> files() { return List.of(observations.file); }
 *     public void check() {}
 *     public void addTo(StageContext context) { ... }
 * }
 * }</pre>
 */
public interface Stage {

    /** The topics the stage reads and writes; their options are added beside its own. */
    List<TopicOption> topics();

    /**
     * The files the stage reads in file mode, in the order the messages name them; their options
     * are added beside its own. The shared options check them against {@code --bootstrap} and
     * {@code --output}.
     */
    List<FileOption> files();

    /**
     * Checks the stage's own options (and reads what they name) before anything starts.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    void check();

    /** Adds the stage's operators and sinks to the context's environment. */
    void addTo(StageContext context);
}
