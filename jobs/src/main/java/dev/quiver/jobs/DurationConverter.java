package dev.quiver.jobs;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration option as milliseconds: a number with a unit ({@code 500ms}, {@code 30s}, {@code
 * 10m}, {@code 2h}, {@code 1d}) or plain milliseconds ({@code 1500}).
 *
 * <pre>{@code
 * @Option(names = "--ttl", converter = DurationConverter.class) long ttlMs;
 * }</pre>
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Long> {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    @Override
    public Long convert(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration such as 500ms, 30s, 10m, 2h or 1d");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        long factor =
                switch (unit) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    default -> 86_400_000L;
                };
        return Math.multiplyExact(amount, factor);
    }
}
