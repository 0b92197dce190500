package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The shuffle serializer of decoded observations: every field of the record and of its origin
 * comes back equal, nulls included, several records in a row read back in order, and copies are
 * deep.
 */
class TracedObservationSerializerTest {

    private static final TypeSerializer<Traced<Observation>> SERIALIZER =
            TracedObservationType.INSTANCE.createSerializer(new SerializerConfigImpl());

    @Test
    void everyFieldOfRecordAndOriginComesBack() throws IOException {
        Observation full =
                new Observation(
                        "obs-7",
                        "ключ-😀",
                        Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
                        0.25,
                        List.of(1.5, Double.NaN, -0.0, Double.MAX_VALUE),
                        -3.0,
                        "red");
        Traced<Observation> traced =
                Traced.of(full, RawRecord.of("quiver.observations", 2, 41L, encode(full)));

        Traced<Observation> back = roundTrip(traced);

        assertThat(back.record).isEqualTo(full);
        assertThat(back.record.getTs()).isEqualTo(full.getTs());
        assertThat(back.record.getFeatures()).containsExactlyElementsOf(full.getFeatures());
        assertThat(back.origin).isEqualTo(traced.origin);
    }

    @Test
    void optionalFieldsAndAMissingOriginStayAbsent() throws IOException {
        Observation bare =
                new Observation(null, "k", Instant.ofEpochMilli(5), 1.0, List.of(), null, null);
        Traced<Observation> traced = Traced.of(bare, null);

        Traced<Observation> back = roundTrip(traced);

        assertThat(back.record).isEqualTo(bare);
        assertThat(back.record.getId()).isNull();
        assertThat(back.record.getLabel()).isNull();
        assertThat(back.record.getCategory()).isNull();
        assertThat(back.record.getFeatures()).isEmpty();
        assertThat(back.origin).isNull();

        Traced<Observation> empty = roundTrip(new Traced<>());
        assertThat(empty.record).isNull();
        assertThat(empty.origin).isNull();
    }

    @Test
    void recordsInARowAreReadBackInOrderAndCopiedThroughTheirBytes() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int i = 0; i < 3; i++) {
            SERIALIZER.serialize(observation(i), out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied = new DataOutputSerializer(64);
        for (int i = 0; i < 3; i++) {
            SERIALIZER.copy(in, copied);
        }
        assertThat(in.available()).isZero();
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
        DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
        for (int i = 0; i < 3; i++) {
            Traced<Observation> back = SERIALIZER.deserialize(again);
            assertThat(back.record).isEqualTo(observation(i).record);
            assertThat(back.origin).isEqualTo(observation(i).origin);
        }
    }

    @Test
    void aCopyIsDeep() {
        Traced<Observation> traced = observation(1);
        Traced<Observation> copy = SERIALIZER.copy(traced);
        assertThat(copy.record).isEqualTo(traced.record).isNotSameAs(traced.record);
        assertThat(copy.origin).isEqualTo(traced.origin).isNotSameAs(traced.origin);
        assertThat(copy.origin.payload).isNotSameAs(traced.origin.payload);
    }

    @Test
    void itsSnapshotRestoresItAsCompatible() throws Exception {
        TypeSerializerSnapshot<Traced<Observation>> snapshot = SERIALIZER.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Traced<Observation>> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        assertThat(restored.restoreSerializer()).isEqualTo(SERIALIZER);
        TypeSerializerSchemaCompatibility<Traced<Observation>> compatibility =
                SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(InstantiationUtil.clone(TracedObservationType.INSTANCE))
                .isEqualTo(TracedObservationType.INSTANCE);
    }

    private static Traced<Observation> observation(int i) {
        Observation record =
                new Observation(
                        "obs-" + i,
                        "key-" + i,
                        Instant.ofEpochMilli(1_700_000_000_000L + i),
                        (double) (i % 2),
                        List.of(0.1 * i, 0.2 * i),
                        null,
                        null);
        return Traced.of(record, RawRecord.of("quiver.observations", 0, i, encode(record)));
    }

    private static byte[] encode(Observation record) {
        return AvroSingleObjectCodec.of(Observation.class).encode(record);
    }

    private static Traced<Observation> roundTrip(Traced<Observation> traced) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SERIALIZER.serialize(traced, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Traced<Observation> back = SERIALIZER.deserialize(in);
        assertThat(in.available()).isZero();
        return back;
    }
}
