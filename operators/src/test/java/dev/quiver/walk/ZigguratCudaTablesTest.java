package dev.quiver.walk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CUDA kernels' ziggurat tables are the Java ones bit for bit: the header's text is what
 * {@link ZigguratCudaTables#render()} makes of {@link Ziggurat#KW} and {@link Ziggurat#F}, and
 * its hexadecimal literals read back as exactly those doubles. Needs no nvcc.
 */
class ZigguratCudaTablesTest {

    @Test
    void headerHoldsExactlyTheJavaTables() throws Exception {
        String header =
                Files.readString(Path.of(ZigguratCudaTables.PATH), StandardCharsets.UTF_8);
        assertThat(header)
                .as("%s is stale: write ZigguratCudaTables.render() into it", ZigguratCudaTables.PATH)
                .isEqualTo(ZigguratCudaTables.render());
    }

    @Test
    void hexLiteralsReadBackAsTheSameBits() {
        for (double[] table : new double[][] {Ziggurat.KW, Ziggurat.F}) {
            for (double value : table) {
                double back = Double.parseDouble(Double.toHexString(value));
                assertThat(Double.doubleToRawLongBits(back))
                        .isEqualTo(Double.doubleToRawLongBits(value));
            }
        }
    }
}
