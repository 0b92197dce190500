package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.Observation;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.junit.jupiter.api.Test;

/** {@link GenericTypes} finds Kryo-serialized types at any depth, and only those. */
class GenericTypesTest {

    /** A POJO whose second field Flink cannot analyse, so it serializes that field with Kryo. */
    public static class HoldsAnything {
        public long count;
        public Object anything;
    }

    @Test
    void findsAGenericFieldInsideAPojoInsideAMap() {
        TypeInformation<?> type =
                Types.MAP(Types.STRING, TypeInformation.of(HoldsAnything.class));

        assertThat(GenericTypes.kryoFallback(type)).hasValueSatisfying(
                message -> assertThat(message).contains("java.lang.Object"));
    }

    @Test
    void acceptsAvroRecordsAndBasicTypes() {
        TypeInformation<?> type =
                Types.TUPLE(TypeInformation.of(Observation.class), Types.LONG, Types.STRING);

        assertThat(GenericTypes.kryoFallback(type)).isEmpty();
        assertThat(GenericTypes.kryoFallback(Types.MAP(Types.STRING, Types.INT))).isEmpty();
    }
}
