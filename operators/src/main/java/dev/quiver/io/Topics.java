package dev.quiver.io;

import java.util.List;

/**
 * Quiver's default Kafka topic names. Every job takes options to override them.
 *
 * <pre>{@code
 * KafkaTopics.ensureTopics(bootstrap, Topics.ALL, 2, Duration.ofSeconds(30));
 * }</pre>
 */
public final class Topics {
    /** Vectors to index ({@code VectorEvent}). */
    public static final String VECTORS = "quiver.vectors";

    /** Nearest-neighbour queries ({@code QueryEvent}). */
    public static final String QUERIES = "quiver.queries";

    /** Observations ({@code Observation}). */
    public static final String OBSERVATIONS = "quiver.observations";

    /** Query answers ({@code MatchResult}). */
    public static final String MATCHES = "quiver.matches";

    /** Posterior updates ({@code PosteriorUpdate}). */
    public static final String POSTERIORS = "quiver.posteriors";

    /** Random-walk summaries ({@code WalkSummary}). */
    public static final String WALKS = "quiver.walks";

    /** Model scores ({@code Score}). */
    public static final String SCORES = "quiver.scores";

    /** Model updates, the control topic ({@code ModelUpdate}). */
    public static final String MODELS = "quiver.models";

    /** Rejected input of every job ({@code DeadLetter}). */
    public static final String DEAD_LETTER = "quiver.deadletter";

    /** Every default topic. */
    public static final List<String> ALL =
            List.of(
                    VECTORS,
                    QUERIES,
                    OBSERVATIONS,
                    MATCHES,
                    POSTERIORS,
                    WALKS,
                    SCORES,
                    MODELS,
                    DEAD_LETTER);

    private Topics() {}
}
