package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The flush rules that need no Flink: full at the batch size, due after the timeout, FIFO. */
class MicroBatchTest {

    @Test
    void addSaysFullExactlyWhenTheBatchSizeIsReached() {
        MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(3, 100));
        assertThat(batch.add("a", 0)).isFalse();
        assertThat(batch.add("b", 0)).isFalse();
        assertThat(batch.add("c", 0)).isTrue();
        assertThat(batch.size()).isEqualTo(3);
        batch.clear();
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.add("d", 0)).isFalse();
    }

    @Test
    void sizeOneIsFullOnEveryEntryAsWithoutBatching() {
        MicroBatch<String> batch = new MicroBatch<>(BatchPolicy.UNBATCHED);
        assertThat(batch.add("a", 0)).isTrue();
    }

    @Test
    void theOldestEntryIsDueOnceItHasWaitedTheTimeout() {
        MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(10, 50));
        assertThat(batch.dueAtMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(batch.isDue(Long.MAX_VALUE - 1)).isFalse();
        batch.add("a", 1_000);
        batch.add("b", 1_040);
        assertThat(batch.dueAtMs()).isEqualTo(1_050);
        assertThat(batch.isDue(1_049)).isFalse();
        assertThat(batch.isDue(1_050)).isTrue();
        batch.clear();
        batch.add("c", 2_000);
        assertThat(batch.dueAtMs()).as("the next batch's own first arrival").isEqualTo(2_050);
    }

    @Test
    void aDueTimeBeyondTheClockSaturatesInsteadOfWrapping() {
        MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(10, Long.MAX_VALUE));
        batch.add("a", 5);
        assertThat(batch.dueAtMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void entriesOfEveryKeyComeBackInArrivalOrder() {
        MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(100, 100));
        List<String> arrivals = List.of("k1#0", "k2#0", "k1#1", "k3#0", "k2#1", "k1#2");
        for (String arrival : arrivals) {
            batch.add(arrival, 0);
        }
        List<String> flushed = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            flushed.add(batch.get(i));
        }
        assertThat(flushed).isEqualTo(arrivals);
    }

    @Test
    void policyRefusesSizesAndTimeoutsOutOfRangeNamingTheOption() {
        assertThatThrownBy(() -> new BatchPolicy(0, 100))
                .hasMessageContaining("--batch-size")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> new BatchPolicy(BatchPolicy.MAX_SIZE + 1, 100))
                .hasMessageContaining("--batch-size must be between 1 and 65536");
        assertThatThrownBy(() -> new BatchPolicy(8, 0))
                .hasMessageContaining("--batch-timeout-ms must be positive, got 0");
    }

    @Test
    void microBatchExample() {
        // --- example (MicroBatch) ---
        MicroBatch<String> batch = new MicroBatch<>(new BatchPolicy(2, 100));
        batch.add("a", 1_000); // false: room for one more
        boolean full = batch.add("b", 1_010); // true: flush now
        long due = batch.dueAtMs(); // 1_100: "a" arrived at 1_000
        List<String> handled = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            handled.add(batch.get(i));
        }
        batch.clear();
        // ---
        assertThat(full).isTrue();
        assertThat(due).isEqualTo(1_100);
        assertThat(handled).containsExactly("a", "b");
    }

    @Test
    void batchPolicyExample() {
        BatchPolicy policy = new BatchPolicy(256, 100);
        BatchPolicy today = BatchPolicy.UNBATCHED;
        assertThat(policy.size()).isEqualTo(256);
        assertThat(today.size()).isEqualTo(1);
    }
}
