package dev.quiver.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.Topics;
import dev.quiver.schema.PosteriorUpdate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A thread that reads the posteriors topic (read_committed) while a test publishes, counting the
 * updates of each observation {@code o<i>} and noting when each count of distinct observations
 * became visible, so a test can time how long the job took to make a phase's results visible.
 *
 * <pre>{@code
 * PosteriorWatcher watcher = PosteriorWatcher.start(bootstrap, 1_000_000);
 * long doneNs = watcher.awaitDistinct(200_000, Duration.ofMinutes(5));
 * }</pre>
 */
public final class PosteriorWatcher implements AutoCloseable {

    private final AvroSingleObjectCodec<PosteriorUpdate> codec =
            AvroSingleObjectCodec.of(PosteriorUpdate.class);
    private final int[] counts;
    private final double[][] last = new double[PipelineWorkload.KEYS][]; // n, alpha, beta
    private final List<String> unexpected = new ArrayList<>();

    /** (distinct observations seen, System.nanoTime()) after each poll that saw a new one. */
    private final List<long[]> progress = new ArrayList<>();

    private final Thread thread;
    private volatile boolean stop;
    private int distinct;

    private PosteriorWatcher(String bootstrap, int capacity) {
        this.counts = new int[capacity];
        this.thread = new Thread(() -> read(bootstrap), "posterior-watcher");
    }

    /** Starts watching for updates of observations {@code o0 .. o<capacity-1>}. */
    public static PosteriorWatcher start(String bootstrap, int capacity) {
        PosteriorWatcher watcher = new PosteriorWatcher(bootstrap, capacity);
        watcher.thread.setDaemon(true);
        watcher.thread.start();
        return watcher;
    }

    private void read(String bootstrap) {
        CommittedReader.readUntil(
                bootstrap,
                Topics.POSTERIORS,
                r -> {
                    PosteriorUpdate u = PipelineChecks.decode(codec, r);
                    synchronized (this) {
                        int i = PipelineChecks.index(u.getId(), 'o', counts.length);
                        if (i < 0) {
                            unexpected.add(u.getKey() + "/" + u.getId());
                            return;
                        }
                        if (counts[i]++ == 0) {
                            distinct++;
                            progress.add(new long[] {distinct, System.nanoTime()});
                        }
                        int key = Integer.parseInt(u.getKey().substring(1));
                        if (last[key] == null || last[key][0] < u.getN()) {
                            last[key] =
                                    new double[] {
                                        u.getN(),
                                        u.getParams().get("alpha"),
                                        u.getParams().get("beta")
                                    };
                        }
                    }
                },
                () -> stop,
                Duration.ZERO,
                Duration.ofHours(2));
    }

    /**
     * Waits until {@code n} distinct observations have their update; returns the {@link
     * System#nanoTime()} at which the poll that completed them returned.
     */
    public long awaitDistinct(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                for (int p = progress.size() - 1; p >= 0 && progress.get(p)[0] >= n; p--) {
                    if (p == 0 || progress.get(p - 1)[0] < n) {
                        return progress.get(p)[1];
                    }
                }
            }
            Thread.sleep(100);
        }
        synchronized (this) {
            throw new AssertionError(
                    "only "
                            + distinct
                            + " of "
                            + n
                            + " observations have a posterior after "
                            + timeout);
        }
    }

    /** Stops reading, after 6 s more (three checkpoints) to catch late duplicates. */
    @Override
    public void close() throws InterruptedException {
        Thread.sleep(6000);
        stop = true;
        thread.join();
    }

    /**
     * Exactly one update per observation {@code o0 .. o<n-1>}, none of others, and each key's last
     * (largest n) posterior's (alpha, beta) equal to {@code closedForm[key]}.
     */
    public synchronized void assertExactlyOnceAndClosedForm(int n, double[][] closedForm) {
        assertThat(unexpected).as("posterior updates of unknown observations").isEmpty();
        PipelineChecks.assertExactlyOnce("posterior updates", 'o', counts, i -> i < n);
        for (int key = 0; key < closedForm.length; key++) {
            assertThat(new double[] {last[key][1], last[key][2]})
                    .as("final Beta posterior (alpha, beta) of key k" + key)
                    .containsExactly(closedForm[key]);
        }
    }
}
