package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.flink.BatchPolicy;

import org.junit.jupiter.api.Test;

/**
 * The micro-batch defaults of the bayes, score and walk jobs: 256 records, and a wait of at most 10
 * ms, which bounds what batching adds to a result's latency at a rate too low to fill a batch; the
 * options override both.
 */
class BatchOptionsTest {

    private static final BatchPolicy DEFAULT = new BatchPolicy(256, 10);

    @Test
    void everyBatchingJobWaitsAtMostTenMillisecondsByDefault() {
        assertThat(JobRegistry.BAYES.parse("--bootstrap", "b:1").stage().batches.policy())
                .isEqualTo(DEFAULT);
        assertThat(JobRegistry.SCORE.parse("--bootstrap", "b:1").stage().batches.policy())
                .isEqualTo(DEFAULT);
        assertThat(JobRegistry.WALK.parse("--bootstrap", "b:1").stage().batches.policy())
                .isEqualTo(DEFAULT);
    }

    @Test
    void theOptionsOverrideTheDefaults() {
        BatchPolicy policy =
                JobRegistry.BAYES
                        .parse("--bootstrap", "b:1", "--batch-size", "1000", "--batch-timeout-ms", "100")
                        .stage()
                        .batches
                        .policy();

        assertThat(policy).isEqualTo(new BatchPolicy(1000, 100));
    }
}
