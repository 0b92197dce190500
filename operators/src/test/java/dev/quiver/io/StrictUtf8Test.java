package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * {@link StrictUtf8} against the JDK's own UTF-8 decoder with {@code CodingErrorAction.REPORT}
 * (Java 17), which implements the well-formed table of The Unicode Standard, section 3.9.
 */
class StrictUtf8Test {

    /** Bytes that make a continuation byte valid or not, around each range boundary. */
    private static final int[] EDGES = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0};

    @Test
    void everySequenceOfUpToTwoBytesIsJudgedAsTheJdkJudgesIt() {
        assertSameAsJdk(new byte[0]);
        for (int a = 0; a < 256; a++) {
            assertSameAsJdk(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                assertSameAsJdk(new byte[] {(byte) a, (byte) b});
            }
        }
    }

    @Test
    void everyLeadAndSecondByteWithBoundaryContinuationsIsJudgedAsTheJdkJudgesIt() {
        for (int a = 0x80; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : EDGES) {
                    assertSameAsJdk(new byte[] {(byte) a, (byte) b, (byte) c});
                    // After a valid byte, so that the position is not always 0.
                    assertSameAsJdk(new byte[] {'k', (byte) a, (byte) b, (byte) c});
                    for (int d : EDGES) {
                        assertSameAsJdk(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                    }
                }
            }
        }
    }

    @Test
    void randomTextWithRandomDamageIsJudgedAsTheJdkJudgesIt() {
        SplittableRandom random = new SplittableRandom(20_261_207L);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(1, 12);
            for (int k = 0; k < n; k++) {
                // Any scalar value: ASCII, two-, three- and four-byte forms.
                int codePoint;
                do {
                    codePoint = random.nextInt(0, 0x110000);
                } while (codePoint >= 0xD800 && codePoint <= 0xDFFF);
                text.appendCodePoint(codePoint);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(StrictUtf8.malformedAt(bytes, 0, bytes.length)).isEqualTo(-1);
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            assertSameAsJdk(bytes);
        }
    }

    @Test
    void namesTheFirstByteOfTheFirstBadSequenceWithinTheRange() {
        byte[] bytes = {'a', (byte) 0xC3, (byte) 0xA9, 'b', (byte) 0xED, (byte) 0xA0, (byte) 0x80};

        assertThat(StrictUtf8.malformedAt(bytes, 0, bytes.length)).isEqualTo(4);
        assertThat(StrictUtf8.malformedAt(bytes, 0, 4)).isEqualTo(-1);
        // A sequence cut by the end of the range is bad, although the array goes on.
        assertThat(StrictUtf8.malformedAt(bytes, 0, 2)).isEqualTo(1);
        assertThat(StrictUtf8.malformedAt(bytes, 2, 4)).isEqualTo(2);
    }

    @Test
    void findsSurrogatesThatAreNotHalfOfAPair() {
        assertThat(StrictUtf8.unpairedSurrogateAt("")).isEqualTo(-1);
        assertThat(StrictUtf8.unpairedSurrogateAt("plain ascii, é, ключ")).isEqualTo(-1);
        assertThat(StrictUtf8.unpairedSurrogateAt("a\uD83D\uDE00b")).isEqualTo(-1);
        assertThat(StrictUtf8.unpairedSurrogateAt("\uD800")).isZero();
        assertThat(StrictUtf8.unpairedSurrogateAt("ab\uDC00")).isEqualTo(2);
        assertThat(StrictUtf8.unpairedSurrogateAt("a\uD83D")).isEqualTo(1);
        // Low before high is two lone halves, not a pair.
        assertThat(StrictUtf8.unpairedSurrogateAt("\uDE00\uD83D")).isZero();
        assertThat(StrictUtf8.unpairedSurrogateAt("\uD83D\uDE00\uD83Dx")).isEqualTo(2);
    }

    @Test
    void replacesOnlyTheLoneHalvesSoThatTheTextEncodes() {
        String text = "\uD800a\uD83D\uDE00\uDC00\uDBFF";

        String replaced = StrictUtf8.withoutUnpairedSurrogates(text);

        assertThat(replaced).isEqualTo("\uFFFDa\uD83D\uDE00\uFFFD\uFFFD");
        assertThat(StrictUtf8.withoutUnpairedSurrogates("ok \uD83D\uDE00")).isEqualTo("ok 😀");
    }

    /** Both agree whether the bytes are well-formed and, if not, where the first bad byte is. */
    private void assertSameAsJdk(byte[] bytes) {
        assertThat(StrictUtf8.malformedAt(bytes, 0, bytes.length))
                .as("%s", java.util.HexFormat.ofDelimiter(" ").formatHex(bytes))
                .isEqualTo(jdkMalformedAt(bytes));
    }

    private final CharsetDecoder decoder =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);

    private int jdkMalformedAt(byte[] bytes) {
        decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(2 * bytes.length + 2);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            return in.position();
        }
        // endOfInput = true: a sequence cut off at the end is reported above or here.
        CoderResult flushed = decoder.flush(out);
        return flushed.isError() ? in.position() : -1;
    }
}
