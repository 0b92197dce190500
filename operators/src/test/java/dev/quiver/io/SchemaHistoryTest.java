package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.Score;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Uses the test history in src/test/resources/META-INF/quiver/schema-history.txt. */
class SchemaHistoryTest {
    private static final String V0_PATH = "dev/quiver/io/history/Observation-v0.avsc";

    @Test
    void historyListsTheTestOnlyObservationV0() throws IOException {
        Schema v0 = parseResource(V0_PATH);

        assertThat(QuiverSchemas.history(Observation.class)).containsExactly(v0);
        assertThat(QuiverSchemas.history(Score.class)).isEmpty();
    }

    @Test
    void recordWrittenWithAnOlderSchemaIsReadWithDefaultsForNewFields() throws Exception {
        Schema v0 = parseResource(V0_PATH);
        GenericRecord old = new GenericData.Record(v0);
        old.put("id", "obs-0");
        old.put("key", "ad-7");
        old.put("ts", 1_700_000_000_000L);
        old.put("value", 0.5);
        byte[] bytes =
                toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v0).encode(old));

        Observation read = AvroSingleObjectCodec.of(Observation.class).decode(bytes);

        assertThat(read.getId()).isEqualTo("obs-0");
        assertThat(read.getKey()).isEqualTo("ad-7");
        assertThat(read.getTs()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getValue()).isEqualTo(0.5);
        assertThat(read.getFeatures()).isEmpty();
        assertThat(read.getLabel()).isNull();
        assertThat(read.getCategory()).isNull();
        assertThat(QuiverSchemas.decodeAny(bytes)).isEqualTo(read);
    }

    @Test
    void recordWrittenWithAnUnregisteredOlderSchemaIsAnUnknownFingerprint() throws Exception {
        // Readable in principle (the current schema could resolve it), but not in the history.
        Schema unlisted =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"Observation\",\"namespace\":\"dev.quiver.schema\","
                                    + "\"fields\":[{\"name\":\"key\",\"type\":\"string\"},"
                                    + "{\"name\":\"ts\",\"type\":\"long\"},"
                                    + "{\"name\":\"value\",\"type\":\"double\"}]}");
        GenericRecord old = new GenericData.Record(unlisted);
        old.put("key", "ad-7");
        old.put("ts", 0L);
        old.put("value", 1.0);
        byte[] bytes =
                toArray(
                        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), unlisted)
                                .encode(old));
        String fingerprint = SingleObjectFormat.hex(SingleObjectFormat.fingerprint(unlisted));

        assertThatThrownBy(() -> AvroSingleObjectCodec.of(Observation.class).decode(bytes))
                .isInstanceOf(DecodeException.class)
                .hasMessage("unknown schema fingerprint " + fingerprint + " for Observation");
        assertThatThrownBy(() -> QuiverSchemas.decodeAny(bytes))
                .hasMessageStartingWith("unknown schema fingerprint " + fingerprint);
    }

    @Test
    void historyEntryTheCurrentSchemaCannotReadFailsAtLoadNamingTheFile(@TempDir Path dir)
            throws IOException {
        // "key" changed from string to int: the current reader cannot resolve it.
        write(
                dir,
                "old/Observation-bad.avsc",
                "{\"type\":\"record\",\"name\":\"Observation\",\"namespace\":\"dev.quiver.schema\","
                        + "\"fields\":[{\"name\":\"key\",\"type\":\"int\"}]}");
        write(
                dir,
                QuiverSchemas.HISTORY_RESOURCE,
                "# a comment\n\nold/Observation-bad.avsc  # why\n");

        assertThatThrownBy(() -> QuiverSchemas.Registry.load(loaderOver(dir)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lists old/Observation-bad.avsc")
                .hasMessageContaining("cannot read");
    }

    @Test
    void historyEntryOfAnUnknownTypeFailsAtLoad(@TempDir Path dir) throws IOException {
        write(
                dir,
                "old/Obsrvation.avsc",
                "{\"type\":\"record\",\"name\":\"Obsrvation\",\"namespace\":\"dev.quiver.schema\","
                        + "\"fields\":[]}");
        write(dir, QuiverSchemas.HISTORY_RESOURCE, "old/Obsrvation.avsc\n");

        assertThatThrownBy(() -> QuiverSchemas.Registry.load(loaderOver(dir)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dev.quiver.schema.Obsrvation")
                .hasMessageContaining("not one of Quiver's record types");
    }

    @Test
    void historyEntryThatIsMissingOrNotASchemaFailsAtLoad(@TempDir Path dir) throws IOException {
        write(dir, QuiverSchemas.HISTORY_RESOURCE, "old/missing.avsc\n");
        assertThatThrownBy(() -> QuiverSchemas.Registry.load(loaderOver(dir)))
                .hasMessageContaining("lists old/missing.avsc, which is not on the classpath");

        write(dir, "old/broken.avsc", "{\"type\":\"record\"");
        write(dir, QuiverSchemas.HISTORY_RESOURCE, "old/broken.avsc\n");
        assertThatThrownBy(() -> QuiverSchemas.Registry.load(loaderOver(dir)))
                .hasMessageContaining("lists old/broken.avsc, which is not a valid Avro schema");
    }

    @Test
    void mainHistoryListsEveryShippedOlderVersion() throws IOException {
        // Entries the test classpath sees beyond these are the test history's own.
        URL main = null;
        for (URL url :
                java.util.Collections.list(
                        getClass().getClassLoader().getResources(QuiverSchemas.HISTORY_RESOURCE))) {
            if (!url.toString().contains("test-classes")) {
                main = url;
            }
        }
        assertThat(main).isNotNull();
        try (InputStream in = main.openStream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(
                            text.lines()
                                    .map(l -> l.replaceAll("#.*", "").strip())
                                    .filter(l -> !l.isEmpty()))
                    .containsExactly(
                            "dev/quiver/schema/history/PosteriorUpdate-v1.avsc",
                            "dev/quiver/schema/history/WalkSummary-v1.avsc");
        }
        assertThat(QuiverSchemas.history(PosteriorUpdate.class))
                .containsExactly(
                        parseResource("dev/quiver/schema/history/PosteriorUpdate-v1.avsc"));
        assertThat(QuiverSchemas.history(WalkSummary.class))
                .containsExactly(parseResource("dev/quiver/schema/history/WalkSummary-v1.avsc"));
    }

    @Test
    void posteriorUpdateWrittenByV1ReadsWithTheNewFieldsAtTheirDefaults() throws Exception {
        Schema v1 = parseResource("dev/quiver/schema/history/PosteriorUpdate-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("key", "ad-7");
        old.put("id", null);
        old.put("ts", 1_700_000_000_000L);
        old.put("model", "beta-bernoulli");
        old.put("n", 2.0);
        old.put("params", java.util.Map.of("alpha", 2.0, "beta", 2.0));
        old.put("mean", 0.5);
        old.put("variance", 0.05);
        old.put("ciLow", 0.1);
        old.put("ciHigh", 0.9);
        old.put("mle", 0.5);
        old.put("map", null);
        old.put("latencyMs", 1L);
        byte[] bytes =
                toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

        PosteriorUpdate read = AvroSingleObjectCodec.of(PosteriorUpdate.class).decode(bytes);

        assertThat(read.getMean()).isEqualTo(0.5);
        assertThat(read.getParameters()).isEmpty();
        assertThat(read.getLogPredictive()).isNull();
        assertThat(read.getLogScore()).isNull();
        assertThat(read.getChangepoint()).isNull();
        assertThat(read.getScope()).isEqualTo("key");
    }

    // ---------------------------------------------------------------------------------------------

    private static Schema parseResource(String path) throws IOException {
        try (InputStream in = SchemaHistoryTest.class.getClassLoader().getResourceAsStream(path)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] toArray(java.nio.ByteBuffer buffer) {
        return AvroSingleObjectCodecTest.toArray(buffer);
    }

    private static void write(Path dir, String path, String text) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A class loader that sees only {@code dir}, not the test history. */
    private static ClassLoader loaderOver(Path dir) throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }
}
