package dev.quiver.io;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads an NDJSON stream line by line as the bytes of each line, undecoded.
 *
 * <p>A {@code BufferedReader} would decode the text first and turn malformed UTF-8 into U+FFFD, so
 * the line it hands on is no longer the line in the file: two different bad keys could read as one,
 * and a dead letter would carry the replacement instead of the original bytes. This reader keeps
 * the bytes and leaves the UTF-8 check to {@link NdjsonCodec#decodeUtf8}. Lines end as {@code
 * BufferedReader.readLine} ends them, at {@code \n}, {@code \r} or {@code \r\n}, so line numbers
 * stay the same; the terminator is not part of the line.
 *
 * <pre>{@code
 * try (RawLineReader lines = new RawLineReader(Files.newInputStream(path))) {
 *   for (byte[] line = lines.readLine(); line != null; line = lines.readLine()) {
 *     if (!RawLineReader.isBlank(line)) {
 *       Observation o = codec.decodeUtf8(line);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe. A line is held whole in memory, as a {@code BufferedReader} holds it.
 */
public final class RawLineReader implements Closeable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;

    /** The last line ended with {@code \r}, so a {@code \n} right after it ends nothing. */
    private boolean skipLineFeed;

    /** Reads from {@code in}, which this reader closes. */
    public RawLineReader(InputStream in) {
        if (in == null) {
            throw new IllegalArgumentException("in must not be null");
        }
        this.in = in;
    }

    /** The next line's bytes without its terminator, or null at the end of the stream. */
    public byte[] readLine() throws IOException {
        ByteArrayOutputStream partial = null;
        while (true) {
            if (pos == limit && !fill()) {
                return partial == null ? null : partial.toByteArray();
            }
            if (skipLineFeed) {
                skipLineFeed = false;
                if (buffer[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < limit && buffer[pos] != '\n' && buffer[pos] != '\r') {
                pos++;
            }
            int end = pos;
            boolean ended = end < limit;
            if (ended) {
                skipLineFeed = buffer[pos++] == '\r';
                if (partial == null) {
                    return Arrays.copyOfRange(buffer, start, end);
                }
            }
            // The line goes on past the buffer: keep what it has so far and read on.
            if (partial == null) {
                partial = new ByteArrayOutputStream(2 * (end - start));
            }
            partial.write(buffer, start, end - start);
            if (ended) {
                return partial.toByteArray();
            }
        }
    }

    /**
     * Whether {@code line} is empty or white space only, as {@link String#isBlank} says of its text.
     * Bytes that are not UTF-8 are not blank: such a line is a dead letter, not a skipped line.
     */
    public static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b < 0) {
                // Non-ASCII: Unicode has white space beyond ASCII, so the text decides.
                return new String(line, StandardCharsets.UTF_8).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    private boolean fill() throws IOException {
        // InputStream.read blocks until it has at least one byte or the stream ends.
        int n = in.read(buffer, 0, buffer.length);
        pos = 0;
        limit = Math.max(n, 0);
        return n > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
