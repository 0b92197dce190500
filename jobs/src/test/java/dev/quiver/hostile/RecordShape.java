package dev.quiver.hostile;

import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;

/**
 * What the hostile generators need to know of an input type: which of its fields to break, and a
 * record of another Quiver type to send in its place.
 *
 * @param type the generated class
 * @param keyField the string field the job keys by
 * @param arrayField its array of numbers
 * @param numberKind the array items' type as reasons name it ("a double", "a float")
 * @param requiredField a field without default besides {@code ts}
 * @param otherType a valid record of another type
 */
record RecordShape<T extends SpecificRecord>(
        Class<T> type,
        String keyField,
        String arrayField,
        String numberKind,
        String requiredField,
        SpecificRecord otherType) {

    static final RecordShape<Observation> OBSERVATION =
            new RecordShape<>(Observation.class, "key", "features", "a double", "key", vector());

    static final RecordShape<VectorEvent> VECTOR =
            new RecordShape<>(
                    VectorEvent.class, "namespace", "vector", "a float", "vector", observation());

    static final RecordShape<QueryEvent> QUERY =
            new RecordShape<>(
                    QueryEvent.class, "namespace", "vector", "a float", "vector", vector());

    /** The type's simple name, as decode reasons name it. */
    String name() {
        return type.getSimpleName();
    }

    private static VectorEvent vector() {
        return VectorEvent.newBuilder()
                .setId("other-type")
                .setTs(Instant.ofEpochMilli(1))
                .setVector(List.of(1f, 2f))
                .build();
    }

    private static Observation observation() {
        return Observation.newBuilder()
                .setKey("other-type")
                .setTs(Instant.ofEpochMilli(1))
                .setValue(1)
                .build();
    }
}
