package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Golden bytes of the Flink state that the operators keep beside the kernels' own headered bytes:
 * POJOs and Avro records whose serializers Flink chooses. A restore reads two things, the
 * serializer's snapshot (for a POJO, its class and field names and their serializers) and the
 * value's bytes; a renamed field, a moved class or a changed field type breaks one of them. Each
 * file pins both, as written by the serializer of a released version:
 *
 * <pre>
 * +----------------------+-------------------------------+----------------------------+
 * | int: snapshot length | the serializer's snapshot     | the sample value's bytes   |
 * |  (big-endian)        | (writeVersionedSnapshot)      | (serializer.serialize)     |
 * +----------------------+-------------------------------+----------------------------+
 * </pre>
 *
 * Files live beside the test under {@code src/test/resources/<package>/<state>_v<version>.bin}; a
 * missing file is written by {@link #writeIfMissing} (run the test once, commit the file) and a
 * shipped file is never rewritten: a change of format adds {@code v<version + 1>} and keeps the old
 * file, whose test then states the migration.
 *
 * <pre>{@code
 * StateGoldenBytes<KeyProgress> progress =
 *         new StateGoldenBytes<>(BayesFunction.class, "key_progress", 1, PROGRESS_TYPE);
 * progress.writeIfMissing(sample);
 * assertThat(progress.readWithCurrentSerializer()).usingRecursiveComparison().isEqualTo(sample);
 * }</pre>
 */
public final class StateGoldenBytes<T> {

    private final Class<?> owner;
    private final String name;
    private final TypeSerializer<T> serializer;

    /**
     * @param owner the operator whose state this is; the file sits in its package
     * @param state the state's file name stem, e.g. {@code key_progress}
     * @param version the format version the file pins
     * @param type the state's type information, as the operator declares it
     */
    public StateGoldenBytes(Class<?> owner, String state, int version, TypeInformation<T> type) {
        this.owner = owner;
        this.name = state + "_v" + version + ".bin";
        this.serializer = type.createSerializer(new SerializerConfigImpl());
    }

    /** The file's name, e.g. {@code key_progress_v1.bin}. */
    public String fileName() {
        return name;
    }

    /** The bytes the current serializer writes for {@code value}, in the file's layout. */
    public byte[] currentBytes(T value) throws IOException {
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                snapshot, serializer.snapshotConfiguration());
        DataOutputSerializer out = new DataOutputSerializer(512);
        out.writeInt(snapshot.length());
        out.write(snapshot.getSharedBuffer(), 0, snapshot.length());
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    /**
     * Writes the file from {@code sample} into the source tree when it is missing (run from the
     * module directory, as Maven does), so that a new state's first test run creates it.
     */
    public void writeIfMissing(T sample) throws IOException {
        Path file =
                Path.of("src/test/resources")
                        .resolve(owner.getPackageName().replace('.', '/'))
                        .resolve(name);
        if (!Files.exists(file) && owner.getResource(name) == null) {
            Files.createDirectories(file.getParent());
            Files.write(file, currentBytes(sample));
        }
    }

    /** The file's bytes, as shipped. */
    public byte[] golden() throws IOException {
        try (InputStream in = owner.getResourceAsStream(name)) {
            assertThat(in)
                    .as("golden state %s beside %s: run the test once to write it", name, owner)
                    .isNotNull();
            return in.readAllBytes();
        }
    }

    /** How the current serializer can read the file's state: as is, after migration, or not. */
    public TypeSerializerSchemaCompatibility<T> compatibility() throws IOException {
        return serializer.snapshotConfiguration().resolveSchemaCompatibility(goldenSnapshot());
    }

    /** The file's value read by the serializer its snapshot restores (what a restore reads). */
    public T readWithGoldenSerializer() throws IOException {
        return goldenSnapshot().restoreSerializer().deserialize(valueBytes());
    }

    /** The file's value read by the current serializer, valid only when compatible as is. */
    public T readWithCurrentSerializer() throws IOException {
        return serializer.deserialize(valueBytes());
    }

    /**
     * The checks of a state format that has shipped and not changed since: the file exists (written
     * from {@code sample} when new), the current serializer reads it as is, the value reads back
     * equal to the sample by both serializers (compared field by field), and the current serializer
     * still writes the file's exact bytes.
     */
    public void assertCurrentFormatReads(T sample) throws IOException {
        assertCurrentFormatReads(
                sample,
                (actual, expected) ->
                        assertThat(actual).usingRecursiveComparison().isEqualTo(expected));
    }

    /** As {@link #assertCurrentFormatReads(Object)}, values compared by {@code sameValue}. */
    public void assertCurrentFormatReads(T sample, BiConsumer<T, T> sameValue)
            throws IOException {
        writeIfMissing(sample);
        TypeSerializerSchemaCompatibility<T> compatibility = compatibility();
        assertThat(compatibility.isCompatibleAsIs())
                .as(
                        "%s: the current serializer must read the shipped state as is, got %s;"
                                + " a changed state class needs a new format version",
                        name,
                        compatibility)
                .isTrue();
        sameValue.accept(readWithGoldenSerializer(), sample);
        sameValue.accept(readWithCurrentSerializer(), sample);
        assertThat(currentBytes(sample)).as("%s written again", name).isEqualTo(golden());
    }

    private TypeSerializerSnapshot<T> goldenSnapshot() throws IOException {
        byte[] golden = golden();
        DataInputDeserializer in = new DataInputDeserializer(golden);
        int length = in.readInt();
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(Arrays.copyOfRange(golden, 4, 4 + length)),
                owner.getClassLoader());
    }

    private DataInputDeserializer valueBytes() throws IOException {
        byte[] golden = golden();
        int length = new DataInputDeserializer(golden).readInt();
        return new DataInputDeserializer(golden, 4 + length, golden.length - 4 - length);
    }
}
