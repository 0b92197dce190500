package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link RawLineReader} splits lines where {@code BufferedReader.readLine} does, and hands on the
 * bytes of each line exactly as they were.
 */
class RawLineReaderTest {

    @Test
    void splitsWhereBufferedReaderSplitsForEveryTerminatorMix() throws IOException {
        SplittableRandom random = new SplittableRandom(20_261_207L);
        String[] pieces = {"\n", "\r", "\r\n", "\n\r", "a", "{\"k\":1}", " ", "é", ""};
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(0, 12);
            for (int k = 0; k < n; k++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            assertThat(rawLines(text.toString().getBytes(StandardCharsets.UTF_8), 7))
                    .as("%s", text.toString().replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(bufferedReaderLines(text.toString()));
        }
    }

    @Test
    void keepsTheBytesOfALineThatIsNotUtf8() throws IOException {
        byte[] bad = {'{', '"', (byte) 0xFF, (byte) 0xC0, (byte) 0x80, (byte) 0xED, (byte) 0xA0};
        byte[] file = concat(bad, new byte[] {'\r', '\n'}, bad);

        List<byte[]> lines = new ArrayList<>();
        try (RawLineReader reader = new RawLineReader(new ByteArrayInputStream(file))) {
            for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }

        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).isEqualTo(bad));
    }

    @Test
    void aLineLongerThanTheBufferComesWhole() throws IOException {
        String longLine = "x".repeat(200_000) + "é";
        String text = "a\n" + longLine + "\r\nb";

        assertThat(rawLines(text.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE))
                .containsExactly("a", longLine, "b");
    }

    @Test
    void blankMeansWhatStringIsBlankSaysOfTheText() {
        assertThat(RawLineReader.isBlank(new byte[0])).isTrue();
        assertThat(RawLineReader.isBlank(utf8(" \t\u000B\f"))).isTrue();
        assertThat(RawLineReader.isBlank(utf8(" \u2003 "))).isTrue();
        assertThat(RawLineReader.isBlank(utf8(" {"))).isFalse();
        assertThat(RawLineReader.isBlank(utf8(" \u00A0"))).isFalse();
        // Bad bytes are a line to dead-letter, never a blank line to skip.
        assertThat(RawLineReader.isBlank(new byte[] {' ', (byte) 0xFF})).isFalse();
    }

    /** The lines as text, read from a stream that returns at most {@code chunk} bytes a call. */
    private static List<String> rawLines(byte[] bytes, int chunk) throws IOException {
        List<String> lines = new ArrayList<>();
        try (RawLineReader reader = new RawLineReader(new ChunkedStream(bytes, chunk))) {
            for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(new String(line, StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    private static List<String> bufferedReaderLines(String text) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A stream that hands out few bytes per read, as a network or a slow disk may. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int pos;

        ChunkedStream(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
