package dev.quiver.io.flink;

import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of a stream of decoded observations with their origin, serialized by {@link
 * TracedObservationSerializer} instead of the POJO-over-Avro serializer that {@code new
 * TypeHint<Traced<Observation>>() {}} would give. For streams only; state keeps its own types.
 *
 * <pre>{@code
 * raw.process(DecodeFunction.traced(Observation.class, format, maxBytes, validator))
 *    .returns(TracedObservationType.INSTANCE);
 * }</pre>
 */
public final class TracedObservationType extends TypeInformation<Traced<Observation>> {

    private static final long serialVersionUID = 1L;

    /** The one instance. */
    public static final TracedObservationType INSTANCE = new TracedObservationType();

    private TracedObservationType() {}

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Class<Traced<Observation>> getTypeClass() {
        return (Class) Traced.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Traced<Observation>> createSerializer(SerializerConfig config) {
        return TracedObservationSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "Traced<Observation>";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TracedObservationType;
    }

    @Override
    public int hashCode() {
        return TracedObservationType.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof TracedObservationType;
    }

    /** Deserialization keeps the one instance. */
    private Object readResolve() {
        return INSTANCE;
    }
}
