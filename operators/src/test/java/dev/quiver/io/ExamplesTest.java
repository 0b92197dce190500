package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the javadoc examples of this package, so that they cannot rot. */
class ExamplesTest {
    private final Observation observation =
            (Observation) SampleRecords.populated(Observation.class);

    @Test
    void decodeExceptionExample() {
        byte[] bytes = {1, 2, 3};
        DeadLetter deadLetter = new DeadLetter();
        // --- example ---
        try {
            Observation o = AvroSingleObjectCodec.of(Observation.class).decode(bytes);
        } catch (DecodeException e) {
            deadLetter.setReason(e.getMessage());
        }
        // ---
        assertThat(deadLetter.getReason()).startsWith("not Avro single-object encoding");
    }

    @Test
    void inputEndExample() {
        // --- example ---
        InputEnd end = InputEnd.of(Map.of(0, 41L, 1, 17L));
        Map<Integer, Long> read = new HashMap<>(Map.of(0, 41L));
        boolean before = end.isReachedBy(read); // false: partition 1 is not read up to offset 17 yet
        read.put(1, 17L);
        boolean after = end.isReachedBy(read); // true
        // ---
        assertThat(before).isFalse();
        assertThat(after).isTrue();
        assertThat(InputEnd.none().isReachedBy(Map.of())).isTrue();
        assertThat(InputEnd.ofFile(3).isReachedBy(Map.of(InputEnd.FILE_PARTITION, 2L))).isFalse();
    }

    @Test
    void recordDecoderExample() throws Exception {
        byte[] ndjson =
                "{\"key\":\"ad-7\",\"ts\":1,\"value\":1}".getBytes(StandardCharsets.UTF_8);
        String reason = null;
        // --- example ---
        RecordDecoder<Observation> decoder =
                RecordDecoder.of(Observation.class, RecordFormat.NDJSON, 16);
        try {
            decoder.decode(ndjson);
        } catch (DecodeException e) {
            reason = e.getMessage(); // the dead letter's reason
        }
        // ---
        assertThat(reason).isEqualTo("record of 31 bytes exceeds the limit of 16");
        Observation fits = RecordDecoder.of(Observation.class, RecordFormat.NDJSON, 64).decode(ndjson);
        assertThat(fits.getKey()).isEqualTo("ad-7");
    }

    @Test
    void avroSingleObjectCodecExample() throws Exception {
        Observation back = null;
        // --- example ---
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        byte[] bytes = codec.encode(observation);
        try {
            back = codec.decode(bytes);
        } catch (DecodeException e) {
            // e.getMessage() is the dead letter's reason, e.g. "unknown schema fingerprint 0x..."
        }
        // ---
        assertThat(back).isEqualTo(observation);
    }

    @Test
    void quiverSchemasExample() throws Exception {
        byte[] bytes = AvroSingleObjectCodec.of(Observation.class).encode(observation);
        int versions = 0;
        // --- example ---
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            List<Schema> older =
                    QuiverSchemas.history(type); // what AvroSingleObjectCodec also accepts
            versions += older.size();
        }
        SpecificRecord any = QuiverSchemas.decodeAny(bytes); // an Observation, a Score, ...
        String line = NdjsonCodec.encodeAny(any);
        // ---
        // The test-only Observation v0, PosteriorUpdate v1 and WalkSummary v1.
        assertThat(versions).isEqualTo(3);
        assertThat(line).startsWith("{\"id\":\"obs-1\",\"key\":\"ad-7\"");
    }

    @Test
    void schemaVersionExample(@TempDir Path dir) throws Exception {
        List<String> wire = new ArrayList<>();
        // --- example ---
        for (SchemaVersion v : SchemaVersion.all()) {
            Path file = dir.resolve(v.name() + "-v" + v.version() + ".avsc");
            Files.writeString(file, v.standaloneJson());
            String onTheWire = v.wireFingerprintHex(); // bytes 2..9 of every message it writes
            wire.add(onTheWire);
        }
        // ---
        byte[] bytes = AvroSingleObjectCodec.of(Observation.class).encode(observation);
        assertThat(wire)
                .contains(java.util.HexFormat.of().formatHex(bytes, 2, 10))
                .hasSize(QuiverSchemas.recordTypes().size() + 3);
        Schema posterior = new Schema.Parser().parse(dir.resolve("PosteriorUpdate-v2.avsc").toFile());
        assertThat(posterior.getFullName())
                .isEqualTo("dev.quiver.schema.PosteriorUpdate");
    }

    @Test
    void ndjsonCodecExample() throws Exception {
        // --- example ---
        NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
        Observation o = codec.decode("{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}");
        // o.getId() == null, o.getFeatures() is empty: missing fields took their defaults
        String line = codec.encode(o);
        // {"id":null,"key":"ad-7","ts":1700000000000,"value":1.0,"features":[],"label":null,...}
        // ---
        assertThat(o.getId()).isNull();
        assertThat(o.getFeatures()).isEmpty();
        assertThat(line)
                .startsWith(
                        "{\"id\":null,\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1.0,\"features\":[],"
                            + "\"label\":null,");
    }

    @Test
    void rawLineReaderExample(@TempDir Path dir) throws Exception {
        NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
        Path path =
                Files.write(
                        dir.resolve("in.ndjson"),
                        List.of(
                                "{\"key\":\"ad-7\",\"ts\":1,\"value\":1}",
                                " ",
                                "{\"key\":\"é\",\"ts\":2,\"value\":0}"));
        List<Observation> read = new ArrayList<>();
        // --- example ---
        try (RawLineReader lines = new RawLineReader(Files.newInputStream(path))) {
            for (byte[] line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!RawLineReader.isBlank(line)) {
                    Observation o = codec.decodeUtf8(line);
                    read.add(o);
                }
            }
        }
        // ---
        assertThat(read).extracting(Observation::getKey).containsExactly("ad-7", "é");
    }

    @Test
    void strictUtf8Examples() {
        byte[] line = {'{', '"', 'k', 'e', 'y', '"', ':', '"', (byte) 0xFF, '"', '}'};
        byte[] bytes = line;
        DecodeException thrown = null;
        // --- StrictUtf8 ---
        int bad = StrictUtf8.malformedAt(bytes, 0, bytes.length); // -1 when well-formed
        int lone = StrictUtf8.unpairedSurrogateAt("a\uD800"); // 1
        // --- JsonUtf8Locator ---
        try {
            if (bad >= 0) {
                throw new DecodeException(JsonUtf8Locator.reason(line, bad));
            }
        } catch (DecodeException e) {
            thrown = e;
        }
        // ---
        assertThat(bad).isEqualTo(8);
        assertThat(lone).isEqualTo(1);
        assertThat(thrown).hasMessage("field 'key': not valid UTF-8 at byte 8");
    }

    @Test
    void packagePrivateHelperExamples() throws Exception {
        SpecificData model = SpecificData.getForClass(Observation.class);
        byte[] bytes = AvroSingleObjectCodec.of(Observation.class).encode(observation);
        // --- AvroBodyCheck ---
        AvroBodyCheck check = AvroBodyCheck.of(Observation.getClassSchema());
        check.check(bytes, SingleObjectFormat.HEADER_SIZE, 1 << 20); // throws DecodeException
        // --- JsonRecordReader / JsonRecordWriter ---
        JsonRecordReader reader = new JsonRecordReader(Observation.getClassSchema(), model);
        Observation o =
                (Observation) reader.read("{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}");
        JsonRecordWriter writer = new JsonRecordWriter(Observation.getClassSchema(), model);
        String line = writer.write(observation);
        // ---
        assertThat(o.getKey()).isEqualTo("ad-7");
        assertThat(reader.read(line)).isEqualTo(observation);
    }
}
