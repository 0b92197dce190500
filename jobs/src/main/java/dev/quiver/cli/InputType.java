package dev.quiver.cli;

import dev.quiver.io.Topics;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.avro.specific.SpecificRecord;

import java.util.function.LongFunction;

/**
 * The input record types {@code quiver publish} knows: their class, default topic, Kafka key and
 * generator. Lower-case constants because they are what users type.
 *
 * <pre>{@code
 * InputType.observation.defaultTopic(); // "quiver.observations"
 * }</pre>
 */
enum InputType {
    vector(VectorEvent.class, Topics.VECTORS),
    query(QueryEvent.class, Topics.QUERIES),
    observation(Observation.class, Topics.OBSERVATIONS);

    private final Class<? extends SpecificRecord> recordClass;
    private final String defaultTopic;

    InputType(Class<? extends SpecificRecord> recordClass, String defaultTopic) {
        this.recordClass = recordClass;
        this.defaultTopic = defaultTopic;
    }

    Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    String defaultTopic() {
        return defaultTopic;
    }

    /** The Kafka key: the namespace of vectors and queries, the key of observations. */
    String keyOf(SpecificRecord record) {
        return switch (this) {
            case vector -> ((VectorEvent) record).getNamespace();
            case query -> ((QueryEvent) record).getNamespace();
            case observation -> ((Observation) record).getKey();
        };
    }

    /** Record {@code i} of this type from the generator. */
    LongFunction<SpecificRecord> generator(SyntheticStreams streams) {
        return switch (this) {
            case vector -> streams::vector;
            case query -> streams::query;
            case observation -> streams::observation;
        };
    }
}
