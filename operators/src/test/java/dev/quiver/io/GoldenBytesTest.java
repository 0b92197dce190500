package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * Messages written by each shipped schema version still decode. The files under
 * src/test/resources/dev/quiver/io/golden/ were written by this codec from {@link
 * SampleRecords#populated} with the schema version in their name; never rewrite a shipped version's
 * file. When a schema changes, raise its entry in {@link #CURRENT_VERSIONS}, add {@code
 * <Type>.v<N>.bin} next to the older files (write it with {@link GoldenBytesWriter}, which writes
 * only missing files), and teach {@link SampleRecords#populated(Class, int)} what an older
 * version's message decodes to.
 */
class GoldenBytesTest {
    static final String DIRECTORY = "dev/quiver/io/golden/";

    /** The current schema version of each type whose schema changed since version 1. */
    static final Map<Class<? extends SpecificRecord>, Integer> CURRENT_VERSIONS =
            Map.of(PosteriorUpdate.class, 2, WalkSummary.class, 2);

    static int currentVersion(Class<? extends SpecificRecord> type) {
        return CURRENT_VERSIONS.getOrDefault(type, 1);
    }

    @Test
    void everyShippedVersionOfEveryTypeStillDecodes() throws Exception {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            for (int version = 1; version <= currentVersion(type); version++) {
                byte[] golden = read(type, version);

                SpecificRecord decoded = QuiverSchemas.decodeAny(golden);

                assertThat(decoded)
                        .as("%s version %d", type.getSimpleName(), version)
                        .isEqualTo(SampleRecords.populated(type, version));
            }
        }
    }

    @Test
    void currentWriterProducesTheCurrentGoldenBytes() throws Exception {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            SpecificRecord sample = SampleRecords.populated(type);

            byte[] written = AvroSingleObjectCodecTest.codecFor(sample).encode(sample);

            assertThat(written)
                    .as(type.getSimpleName())
                    .isEqualTo(read(type, currentVersion(type)));
        }
    }

    static byte[] read(Class<? extends SpecificRecord> type, int version)
            throws IOException {
        String path = DIRECTORY + name(type, version);
        try (InputStream in = GoldenBytesTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as("golden file %s", path).isNotNull();
            return in.readAllBytes();
        }
    }

    static String name(Class<? extends SpecificRecord> type, int version) {
        return type.getSimpleName() + ".v" + version + ".bin";
    }
}
