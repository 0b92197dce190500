package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsUnitsAndPlainMilliseconds() {
        assertThat(converter.convert("1500")).isEqualTo(1500L);
        assertThat(converter.convert("500ms")).isEqualTo(500L);
        assertThat(converter.convert("30s")).isEqualTo(30_000L);
        assertThat(converter.convert("10m")).isEqualTo(600_000L);
        assertThat(converter.convert("2h")).isEqualTo(7_200_000L);
        assertThat(converter.convert("1d")).isEqualTo(86_400_000L);
        assertThat(converter.convert(" 5 S ")).isEqualTo(5_000L);
    }

    @Test
    void rejectsWhatIsNotADurationWithTheValue() {
        assertThatThrownBy(() -> converter.convert("ten minutes"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'ten minutes' is not a duration");
        assertThatThrownBy(() -> converter.convert("-5s"))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
