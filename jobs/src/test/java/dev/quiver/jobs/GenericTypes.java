package dev.quiver.jobs;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.util.Optional;

/**
 * Whether Flink would serialize some part of a type with Kryo: asks the type for its serializer
 * with generic types disabled, as a job of Quiver's runs, so the answer is Flink's own, at any
 * depth (POJO fields, map values, list elements, tuple fields).
 *
 * <pre>{@code
 * Optional<String> kryo = GenericTypes.kryoFallback(TypeInformation.of(Object.class));
 * // "Generic types have been disabled ... type java.lang.Object is treated as a generic type."
 * }</pre>
 */
final class GenericTypes {

    private GenericTypes() {}

    /** Flink's message naming the first Kryo-serialized type inside {@code type}; empty if none. */
    static Optional<String> kryoFallback(TypeInformation<?> type) {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        try {
            type.createSerializer(config);
            return Optional.empty();
        } catch (UnsupportedOperationException kryoNeeded) {
            return Optional.of(kryoNeeded.getMessage());
        }
    }
}
