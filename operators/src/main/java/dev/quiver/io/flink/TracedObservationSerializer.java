package dev.quiver.io.flink;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Serializes a decoded observation with its origin between the operators of a job (the shuffle
 * to a keyed stage), field by field with direct {@link DataOutputView} calls: the general path,
 * a POJO serializer over Flink's Avro serializer, writes the record through Avro's datum writer
 * and reads it back into boxed Avro arrays, which cost more per observation than the stage that
 * reads them. Never state: state keeps its own types and formats, so this layout may change
 * between releases.
 *
 * <p>Layout: a byte of presence flags, then the record (key, id and category as {@link
 * StringValue} strings, which carry null; the event time as epoch seconds and nanoseconds; value;
 * the feature count and features; the label) and the origin (source, partition, offset, payload
 * length and bytes). Every field of both is kept, so any stage reading the stream, and the dead
 * letters it writes with the original bytes, see what the decode step emitted.
 *
 * <pre>{@code
 * decoded.returns(TracedObservationType.INSTANCE).keyBy(traced -> traced.record.getKey());
 * }</pre>
 */
public final class TracedObservationSerializer
        extends TypeSerializerSingleton<Traced<Observation>> {

    private static final long serialVersionUID = 1L;

    /** The one instance: the serializer keeps no state. */
    public static final TracedObservationSerializer INSTANCE = new TracedObservationSerializer();

    private static final int HAS_RECORD = 1;
    private static final int HAS_ORIGIN = 1 << 1;
    private static final int HAS_TS = 1 << 2;
    private static final int HAS_FEATURES = 1 << 3;
    private static final int HAS_LABEL = 1 << 4;

    private TracedObservationSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Traced<Observation> createInstance() {
        return new Traced<>();
    }

    @Override
    public Traced<Observation> copy(Traced<Observation> from) {
        Observation record =
                from.record == null ? null : Observation.newBuilder(from.record).build();
        RawRecord origin = from.origin;
        return Traced.of(
                record,
                origin == null
                        ? null
                        : RawRecord.of(
                                origin.source,
                                origin.partition,
                                origin.offset,
                                origin.payload.clone()));
    }

    @Override
    public Traced<Observation> copy(Traced<Observation> from, Traced<Observation> reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Traced<Observation> traced, DataOutputView out) throws IOException {
        Observation record = traced.record;
        RawRecord origin = traced.origin;
        int flags = 0;
        if (record != null) {
            flags |= HAS_RECORD;
            flags |= record.getTs() == null ? 0 : HAS_TS;
            flags |= record.getFeatures() == null ? 0 : HAS_FEATURES;
            flags |= record.getLabel() == null ? 0 : HAS_LABEL;
        }
        flags |= origin == null ? 0 : HAS_ORIGIN;
        out.writeByte(flags);
        if (record != null) {
            writeRecord(record, flags, out);
        }
        if (origin != null) {
            StringValue.writeString(origin.source, out);
            out.writeInt(origin.partition);
            out.writeLong(origin.offset);
            out.writeInt(origin.payload.length);
            out.write(origin.payload);
        }
    }

    private static void writeRecord(Observation record, int flags, DataOutputView out)
            throws IOException {
        StringValue.writeString(record.getKey(), out);
        StringValue.writeString(record.getId(), out);
        StringValue.writeString(record.getCategory(), out);
        if ((flags & HAS_TS) != 0) {
            Instant ts = record.getTs();
            out.writeLong(ts.getEpochSecond());
            out.writeInt(ts.getNano());
        }
        out.writeDouble(record.getValue());
        if ((flags & HAS_FEATURES) != 0) {
            List<Double> features = record.getFeatures();
            int n = features.size();
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeDouble(features.get(i));
            }
        }
        if ((flags & HAS_LABEL) != 0) {
            out.writeDouble(record.getLabel());
        }
    }

    @Override
    public Traced<Observation> deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        Traced<Observation> traced = new Traced<>();
        if ((flags & HAS_RECORD) != 0) {
            traced.record = readRecord(flags, in);
        }
        if ((flags & HAS_ORIGIN) != 0) {
            String source = StringValue.readString(in);
            int partition = in.readInt();
            long offset = in.readLong();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            traced.origin = RawRecord.of(source, partition, offset, payload);
        }
        return traced;
    }

    private static Observation readRecord(int flags, DataInputView in) throws IOException {
        String key = StringValue.readString(in);
        String id = StringValue.readString(in);
        String category = StringValue.readString(in);
        Instant ts = null;
        if ((flags & HAS_TS) != 0) {
            long seconds = in.readLong();
            ts = Instant.ofEpochSecond(seconds, in.readInt());
        }
        double value = in.readDouble();
        List<Double> features = null;
        if ((flags & HAS_FEATURES) != 0) {
            int n = in.readInt();
            features = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                features.add(in.readDouble());
            }
        }
        Double label = (flags & HAS_LABEL) != 0 ? in.readDouble() : null;
        return new Observation(id, key, ts, value, features, label, category);
    }

    @Override
    public Traced<Observation> deserialize(Traced<Observation> reuse, DataInputView in)
            throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<Traced<Observation>> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer has no configuration: its snapshot restores the instance. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Traced<Observation>> {
        /** For Flink, which restores snapshots by reflection. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
