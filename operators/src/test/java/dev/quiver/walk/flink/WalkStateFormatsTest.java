package dev.quiver.walk.flink;

import dev.quiver.io.flink.StateGoldenBytes;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/** The walk operator's Flink state formats still read their golden bytes (version 1). */
class WalkStateFormatsTest {

    @Test
    void pendingObservationReadsItsGoldenBytes() throws IOException {
        WalkFunction.Pending pending = new WalkFunction.Pending();
        pending.sequence = 99;
        pending.id = "obs-99";
        pending.tsMs = 1_700_000_000_999L;
        pending.start = 101.5;
        pending.location = 0.2;
        pending.scale = 1.1;
        pending.dof = 9.0;
        new StateGoldenBytes<>(WalkFunction.class, "pending", 1, WalkFunction.PENDING_TYPE)
                .assertCurrentFormatReads(pending);
    }
}
