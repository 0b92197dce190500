package dev.quiver.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

/** The usage examples of this package's javadoc that run without a broker, and their edges. */
class ExamplesTest {

    @Test
    void peerArgumentsExample() {
        PeerArguments arguments =
                PeerArguments.parse(
                        new String[] {"--topic", "t", "--until-latest"},
                        Set.of("--topic"),
                        Set.of("--until-latest"));
        String topic = arguments.required("--topic");
        boolean bounded = arguments.flag("--until-latest");
        assertThat(topic).isEqualTo("t");
        assertThat(bounded).isTrue();
        assertThat(arguments.getLong("--events", 7)).isEqualTo(7);
        List<String> none = arguments.all("--kafka-property");
        assertThat(none).isEmpty();
    }

    @Test
    void aRepeatedOptionKeepsEveryValueInOrderAndTheLastAsItsValue() {
        PeerArguments arguments =
                PeerArguments.parse(
                        new String[] {
                            "--kafka-property", "linger.ms=20", "--kafka-property", "batch.size=65536"
                        },
                        Set.of("--kafka-property"),
                        Set.of());
        assertThat(arguments.all("--kafka-property"))
                .containsExactly("linger.ms=20", "batch.size=65536");
        assertThat(arguments.get("--kafka-property", "")).isEqualTo("batch.size=65536");
    }

    @Test
    void aMisspeltOptionStopsThePeer() {
        assertThatThrownBy(
                        () -> PeerArguments.parse(new String[] {"--topik", "t"}, Set.of("--topic"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option --topik");
        assertThatThrownBy(
                        () -> PeerArguments.parse(new String[] {"--topic"}, Set.of("--topic"), Set.of()))
                .hasMessage("--topic needs a value");
        PeerArguments none = PeerArguments.parse(new String[0], Set.of("--topic"), Set.of());
        assertThatThrownBy(() -> none.required("--topic")).hasMessage("--topic is required");
    }

    @Test
    void thePeersClientPropertiesAreThePairsGiven() {
        assertThat(PassthroughPeer.clientProperties(List.of("linger.ms=20", "compression.type=lz4")))
                .containsOnly(
                        entry("linger.ms", "20"),
                        entry("compression.type", "lz4"));
        assertThat(PassthroughPeer.clientProperties(List.of())).isEmpty();
        assertThatThrownBy(() -> PassthroughPeer.clientProperties(List.of("=1")))
                .hasMessage("--kafka-property takes KEY=VALUE, got =1");
    }

    @Test
    void latencyPercentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(LatencyProbe.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(LatencyProbe.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(LatencyProbe.percentile(new long[] {7}, 0.99)).isEqualTo(7);
        assertThat(LatencyProbe.percentile(new long[0], 0.5)).isEqualTo(-1);
    }
}
