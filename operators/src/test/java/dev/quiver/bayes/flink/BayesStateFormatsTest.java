package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BetaBernoulliPosterior;
import dev.quiver.io.flink.StateGoldenBytes;

import org.junit.jupiter.api.Test;

import java.io.IOException;

/** The bayes operators' Flink state formats still read their golden bytes (version 1). */
class BayesStateFormatsTest {

    @Test
    void keyProgressReadsItsGoldenBytes() throws IOException {
        BayesFunction.KeyProgress progress = new BayesFunction.KeyProgress();
        progress.observations = 42;
        progress.logScore = -17.25;
        progress.emitDueAt = 1_700_000_001_000L;
        progress.lastId = "obs-42";
        progress.lastTs = 1_700_000_000_123L;
        progress.lastLogPredictive = -0.693;
        progress.lastArrivalMs = 1_700_000_000_500L;
        progress.changeMapRunLength = 7;
        progress.changeProbShortRun = 0.125;
        progress.changeTruncatedMass = 1e-12;
        new StateGoldenBytes<>(BayesFunction.class, "key_progress", 1, BayesFunction.PROGRESS_TYPE)
                .assertCurrentFormatReads(progress);
    }

    @Test
    void windowEntryReadsItsGoldenBytes() throws IOException {
        BayesFunction.WindowEntry entry = new BayesFunction.WindowEntry();
        entry.value = 3.5;
        entry.features = new double[] {1.0, -2.0, 0.25};
        entry.category = "red";
        new StateGoldenBytes<>(
                        BayesFunction.class, "window_entry", 1, BayesFunction.WINDOW_ENTRY_TYPE)
                .assertCurrentFormatReads(entry);
    }

    @Test
    void keyGroupPartialReadsItsGoldenBytes() throws IOException {
        BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(BayesObservation.of(1));
        posterior.update(BayesObservation.of(0));
        KeyGroupPartial partial = KeyGroupPartial.of(17, 1_700_000_000_000L, posterior.toBytes());
        partial.unsent = true;
        new StateGoldenBytes<>(
                        BayesFunction.class, "key_group_partial", 1, BayesFunction.PARTIAL_TYPE)
                .assertCurrentFormatReads(partial);
    }
}
