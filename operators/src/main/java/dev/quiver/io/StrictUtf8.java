package dev.quiver.io;

/**
 * Finds text that is not well-formed Unicode, so that a record holding it is refused instead of
 * repaired.
 *
 * <p>Java's {@code new String(bytes, UTF_8)} and Avro's string reader replace malformed bytes with
 * U+FFFD, and {@code String.getBytes(UTF_8)} writes a lone surrogate as {@code ?}. Either way two
 * different bad keys can become one key and the original bytes are gone, so the codecs check with
 * this class first and dead-letter what it finds.
 *
 * <p>Well-formed UTF-8 is Table 3-7 of The Unicode Standard (version 15.1, section 3.9): no
 * overlong forms ({@code C0 80}), no encoded surrogates ({@code ED A0 80}), nothing above U+10FFFF,
 * no truncated sequence. It is the set the JDK's UTF-8 decoder accepts with {@code
 * CodingErrorAction.REPORT}; {@code StrictUtf8Test} checks the two against each other.
 *
 * <pre>{@code
 * int bad = StrictUtf8.malformedAt(bytes, 0, bytes.length);   // -1 when well-formed
 * int lone = StrictUtf8.unpairedSurrogateAt("a\u005CuD800");   // 1
 * }</pre>
 *
 * <p>Stateless; one pass, no allocation.
 */
final class StrictUtf8 {
    private StrictUtf8() {}

    /**
     * The index of the first byte of the first ill-formed sequence in {@code bytes[from..to)}, or
     * -1 if the range is well-formed UTF-8.
     */
    static int malformedAt(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int lead = bytes[i] & 0xFF;
            if (lead < 0x80) {
                i++;
                continue;
            }
            int trailing = trailingBytes(lead);
            if (trailing < 0 || to - i - 1 < trailing) {
                return i;
            }
            // The second byte's range is narrower after E0, ED, F0 and F4: that excludes overlong
            // forms, surrogates and code points above U+10FFFF.
            int second = bytes[i + 1] & 0xFF;
            int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
            int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k <= trailing; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return i;
                }
            }
            i += 1 + trailing;
        }
        return -1;
    }

    /** How many continuation bytes follow {@code lead}, or -1 if it cannot start a sequence. */
    private static int trailingBytes(int lead) {
        if (lead >= 0xC2 && lead <= 0xDF) {
            return 1;
        }
        if (lead >= 0xE0 && lead <= 0xEF) {
            return 2;
        }
        if (lead >= 0xF0 && lead <= 0xF4) {
            return 3;
        }
        // 80-BF are continuation bytes, C0 and C1 only start overlong forms, F5-FF nothing.
        return -1;
    }

    /**
     * The index of the first surrogate in {@code text} that is not half of a high-low pair, or -1
     * if there is none. Such a string has no UTF-8 form; JSON's escape {@code "\u005Cud800"}
     * makes one.
     */
    static int unpairedSurrogateAt(CharSequence text) {
        return unpairedSurrogateAt(text, 0);
    }

    private static int unpairedSurrogateAt(CharSequence text, int from) {
        int n = text.length();
        for (int i = from; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < n
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code text} with each unpaired surrogate replaced by U+FFFD: it then encodes as UTF-8. */
    static String withoutUnpairedSurrogates(String text) {
        int lone = unpairedSurrogateAt(text);
        if (lone < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text);
        for (; lone >= 0; lone = unpairedSurrogateAt(sb, lone + 1)) {
            sb.setCharAt(lone, '\uFFFD');
        }
        return sb.toString();
    }

    /** The reason for an unpaired surrogate at {@code index} of {@code text}. */
    static String unpairedSurrogateReason(CharSequence text, int index) {
        return String.format(
                "not valid UTF-8: unpaired surrogate \\u%04X at character %d",
                (int) text.charAt(index), index);
    }

    /** The reason for a malformed sequence starting at {@code index} of the record's bytes. */
    static String malformedReason(int index) {
        return "not valid UTF-8 at byte " + index;
    }
}
