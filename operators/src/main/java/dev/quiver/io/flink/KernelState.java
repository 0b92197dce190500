package dev.quiver.io.flink;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Descriptors of the state that holds kernels' headered bytes: a posterior, a change-point
 * detector, a point. The kernel's own format class writes and checks those bytes, so Flink sees
 * only a {@code byte[]}, serialized by its primitive-array serializer, which never changes.
 *
 * <pre>{@code
 * ValueState<byte[]> posterior = getRuntimeContext().getState(KernelState.value("posterior"));
 * MapState<String, byte[]> points =
 *         getRuntimeContext().getMapState(KernelState.map("points", Types.STRING));
 * }</pre>
 */
public final class KernelState {

    private KernelState() {}

    /** One kernel's bytes per key. */
    public static ValueStateDescriptor<byte[]> value(String name) {
        return new ValueStateDescriptor<>(
                name, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }

    /** Kernel bytes by a key of their own (a point's id, a key group), per Flink key. */
    public static <K> MapStateDescriptor<K, byte[]> map(String name, TypeInformation<K> keyType) {
        return new MapStateDescriptor<>(
                name, keyType, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    }
}
