package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.MatchResult;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Uses the test history too (src/test/resources/META-INF/quiver/schema-history.txt), which adds an
 * Observation that never shipped: Observation has one more version here than in a release.
 */
class SchemaVersionTest {

    @Test
    void everyTypeHasItsHistoryThenItsCurrentSchemaNumberedFromOne() {
        List<SchemaVersion> all = SchemaVersion.all();

        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            List<SchemaVersion> versions =
                    all.stream().filter(v -> v.type().equals(type)).toList();
            List<Schema> older = QuiverSchemas.history(type);
            assertThat(versions).hasSize(older.size() + 1);
            for (int i = 0; i < older.size(); i++) {
                assertThat(versions.get(i).version()).isEqualTo(i + 1);
                assertThat(versions.get(i).current()).isFalse();
                assertThat(versions.get(i).schema()).isEqualTo(older.get(i));
            }
            SchemaVersion current = versions.get(older.size());
            assertThat(current.current()).isTrue();
            assertThat(current.version()).isEqualTo(older.size() + 1);
            assertThat(current.schema()).isEqualTo(SpecificData.get().getSchema(type));
        }
    }

    @Test
    void versionNumbersAreThoseOfTheGoldenMessages() throws Exception {
        // Every golden message carries the fingerprint of the version its name gives. Observation
        // is left out: the test history's Observation-v0 shifts its numbers in this module only.
        for (SchemaVersion version : SchemaVersion.all()) {
            if (version.type().equals(Observation.class)) {
                continue;
            }
            byte[] golden = GoldenBytesTest.read(version.type(), version.version());

            assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(golden, 2, 10)))
                    .as("%s v%d", version.name(), version.version())
                    .isEqualTo(version.wireFingerprintHex());
        }
        assertThat(GoldenBytesTest.currentVersion(PosteriorUpdate.class)).isEqualTo(2);
        assertThat(current(PosteriorUpdate.class).version()).isEqualTo(2);
        assertThat(current(WalkSummary.class).version()).isEqualTo(2);
    }

    @Test
    void wireFingerprintIsWhatTheEncoderWritesInBytesTwoToNine() {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            SpecificRecord sample = SampleRecords.populated(type);
            byte[] written = AvroSingleObjectCodecTest.codecFor(sample).encode(sample);

            assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(written, 2, 10)))
                    .as(type.getSimpleName())
                    .isEqualTo(current(type).wireFingerprintHex());
        }
    }

    @Test
    void observationFingerprintMatchesAnIndependentCrc64OfItsCanonicalForm() {
        // Reference: the Avro specification's CRC-64-AVRO, written out in Python over
        // {"name":"dev.quiver.schema.Observation","type":"record","fields":[...,{"name":"ts",
        // "type":"long"},...]} (the Parsing Canonical Form drops logicalType).
        SchemaVersion observation = current(Observation.class);

        assertThat(observation.fingerprint()).isEqualTo(0x9f142a35f45b3e26L);
        assertThat(observation.wireFingerprintHex()).isEqualTo("263e5bf4352a149f");
    }

    @Test
    void standaloneJsonParsesAloneToTheSameFingerprintWithoutJavaHints() {
        for (SchemaVersion version : SchemaVersion.all()) {
            String json = version.standaloneJson();

            Schema parsed = new Schema.Parser().parse(json);

            assertThat(SchemaNormalization.parsingFingerprint64(parsed))
                    .as("%s v%d", version.name(), version.version())
                    .isEqualTo(version.fingerprint());
            assertThat(parsed.getFullName()).isEqualTo(version.type().getName());
            assertThat(json).doesNotContain("avro.java.string");
        }
    }

    @Test
    void standaloneMatchResultDefinesTheQueryModeItSharesWithQueryEvent() {
        String json = current(MatchResult.class).standaloneJson();

        Schema parsed = new Schema.Parser().parse(json);

        assertThat(parsed.getField("mode").schema())
                .isEqualTo(SpecificData.get().getSchema(QueryEvent.class).getField("mode").schema());
        assertThat(json).contains("\"symbols\" : [ \"KNN\", \"RADIUS\", \"MATCH\" ]");
        assertThat(json).contains("\"logicalType\" : \"timestamp-millis\"");
    }

    @Test
    void fingerprintBytesAreLittleEndianAndReadBack() throws DecodeException {
        byte[] bytes = SingleObjectFormat.fingerprintBytes(0x0102030405060708L);
        assertThat(bytes).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);

        byte[] message = new byte[10];
        message[0] = SingleObjectFormat.MAGIC_0;
        message[1] = SingleObjectFormat.MAGIC_1;
        System.arraycopy(SingleObjectFormat.fingerprintBytes(-2L), 0, message, 2, 8);
        assertThat(SingleObjectFormat.readFingerprint(message, 10)).isEqualTo(-2L);
    }

    private static SchemaVersion current(Class<? extends SpecificRecord> type) {
        return SchemaVersion.all().stream()
                .filter(v -> v.type().equals(type) && v.current())
                .findFirst()
                .orElseThrow();
    }
}
