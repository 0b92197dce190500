package dev.quiver.io.flink;

import dev.quiver.compute.BackendCounters;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The metrics every Quiver operator registers in its {@code open()}, under the same names in every
 * job, so that one dashboard reads them all: events in, results out, dead letters, the latency of
 * each result, the compute backend in use and, for operators that keep an index, its size.
 *
 * <pre>{@code
 * metrics = OperatorMetrics.register(getRuntimeContext().getMetricGroup(), "java");
 * // per event:
 * long arrivedNanos = metrics.eventIn();
 * out.collect(result);
 * metrics.eventOut(System.nanoTime() - arrivedNanos);   // or metrics.deadLetter()
 * }</pre>
 *
 * <p>All methods are called from the task thread only; the gauges are read from the reporter's.
 */
public final class OperatorMetrics {

    /** Counter of input events the operator received. */
    public static final String EVENTS_IN = "eventsIn";

    /** Counter of results the operator emitted. */
    public static final String EVENTS_OUT = "eventsOut";

    /** Counter of input events sent to the dead-letter output. */
    public static final String DEAD_LETTERS = DeadLetters.METRIC;

    /**
     * Histogram of the latency of each result in microseconds: from its event's arrival in the
     * operator to its emission (the {@code latencyMs} field of the result, at a finer grain).
     */
    public static final String LATENCY = "latencyUs";

    /** Gauge of the points (kNN) or entries held in this subtask's in-memory index. */
    public static final String INDEX_SIZE = "indexSize";

    /** Gauge of the compute backend's name, such as {@code java} or {@code nd4j-cpu}. */
    public static final String BACKEND = "backend";

    /**
     * Key of a group holding the gauge {@link #BACKEND_IN_USE} (always 1), whose value names the
     * backend: Prometheus drops string gauges, but reads this one as a labelled series.
     */
    public static final String BACKEND_GROUP = "computeBackend";

    /** See {@link #BACKEND_GROUP}. */
    public static final String BACKEND_IN_USE = "inUse";

    /** Gauge of the compute backend's capability calls (batches) so far. */
    public static final String BACKEND_BATCHES = "backendBatches";

    /** Gauge of the calls that failed on the device and were answered on the CPU instead. */
    public static final String BACKEND_FALLBACKS = "backendFallbacks";

    /** Gauge of the device memory the operator's backend holds, in bytes; 0 on the CPU. */
    public static final String DEVICE_MEMORY = "deviceMemoryBytes";

    /** How many of the latest results' latencies the histogram keeps. */
    static final int LATENCY_WINDOW = 1024;

    private final MetricGroup group;
    private final Counter eventsIn;
    private final Counter eventsOut;
    private final Counter deadLetters;
    private final Histogram latencyUs;
    private volatile long indexSize;

    /**
     * The backend an operator reports when it hands no work to a compute backend: its arithmetic
     * (decoding, conjugate updates, merges, bookkeeping) is plain Java on the task thread, which is
     * what the {@code java} backend is too. Operators that compute through a backend's capability
     * report the capability's own {@code backend()} instead.
     */
    public static final String PLAIN_JAVA = "java";

    private OperatorMetrics(MetricGroup group, String backend) {
        this.group = group;
        eventsIn = group.counter(EVENTS_IN);
        eventsOut = group.counter(EVENTS_OUT);
        deadLetters = group.counter(DEAD_LETTERS);
        latencyUs = group.histogram(LATENCY, new DescriptiveStatisticsHistogram(LATENCY_WINDOW));
        group.gauge(BACKEND, (Gauge<String>) () -> backend);
        group.addGroup(BACKEND_GROUP, backend).gauge(BACKEND_IN_USE, (Gauge<Integer>) () -> 1);
    }

    /**
     * Registers the metrics of one operator instance.
     *
     * @param group the operator's metric group ({@code getRuntimeContext().getMetricGroup()})
     * @param backend the name of the compute backend the operator runs on
     */
    public static OperatorMetrics register(MetricGroup group, String backend) {
        return new OperatorMetrics(group, backend);
    }

    /** Registers the {@link #INDEX_SIZE} gauge, for operators that keep an index; returns this. */
    public OperatorMetrics withIndexSize() {
        group.gauge(INDEX_SIZE, (Gauge<Long>) () -> indexSize);
        return this;
    }

    /**
     * Registers the gauges of the backend's counters ({@link #BACKEND_BATCHES}, {@link
     * #BACKEND_FALLBACKS}, {@link #DEVICE_MEMORY}) for operators that compute through a backend;
     * {@code backend} gives it, or null while it is not open yet (the gauges then read 0). The
     * reporter's thread reads counters the task thread writes: a value may be one batch behind.
     */
    public OperatorMetrics withBackendCounters(Supplier<? extends BackendCounters> backend) {
        group.gauge(BACKEND_BATCHES, (Gauge<Long>) () -> read(backend, BackendCounters::batches));
        group.gauge(
                BACKEND_FALLBACKS, (Gauge<Long>) () -> read(backend, BackendCounters::fallbacks));
        group.gauge(
                DEVICE_MEMORY,
                (Gauge<Long>) () -> read(backend, BackendCounters::deviceMemoryBytes));
        return this;
    }

    private static long read(
            Supplier<? extends BackendCounters> backend, ToLongFunction<BackendCounters> counter) {
        BackendCounters counters = backend.get();
        return counters == null ? 0 : counter.applyAsLong(counters);
    }

    /**
     * Counts one input event and returns its arrival time, {@link System#nanoTime()} now: the start
     * of the latency its result reports to {@link #eventOut}.
     */
    public long eventIn() {
        eventsIn.inc();
        return System.nanoTime();
    }

    /** Counts one result and records its latency, given in nanoseconds. */
    public void eventOut(long latencyNanos) {
        eventsOut.inc();
        latencyUs.update(latencyNanos / 1_000);
    }

    /** Counts one input event sent to the dead-letter output. */
    public void deadLetter() {
        deadLetters.inc();
    }

    /** Adds {@code delta} (negative when points leave) to the index size gauge. */
    public void addToIndexSize(long delta) {
        // One writer, the task thread: the read-modify-write needs no lock.
        indexSize += delta;
    }
}
