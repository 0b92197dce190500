package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

/**
 * Messages written by each shipped schema version still decode. The files under
 * src/test/resources/dev/quiver/io/golden/ were written by this codec from {@link
 * SampleRecords#populated} with schema version 1 (the first shipped); never rewrite a shipped
 * version's file. When a schema changes, add {@code <Type>.v2.bin} next to it (write it with {@link
 * GoldenBytesWriter}, which writes only missing files) and keep decoding v1 into the new class.
 */
class GoldenBytesTest {
    static final String DIRECTORY = "dev/quiver/io/golden/";
    static final int CURRENT_VERSION = 1;

    @Test
    void version1MessagesOfEveryTypeStillDecode() throws Exception {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            byte[] golden = read(type, 1);

            SpecificRecord decoded = QuiverSchemas.decodeAny(golden);

            assertThat(decoded).as(type.getSimpleName()).isEqualTo(SampleRecords.populated(type));
        }
    }

    @Test
    void currentWriterProducesTheCurrentGoldenBytes() throws Exception {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            SpecificRecord sample = SampleRecords.populated(type);

            byte[] written = AvroSingleObjectCodecTest.codecFor(sample).encode(sample);

            assertThat(written).as(type.getSimpleName()).isEqualTo(read(type, CURRENT_VERSION));
        }
    }

    private static byte[] read(Class<? extends SpecificRecord> type, int version)
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
