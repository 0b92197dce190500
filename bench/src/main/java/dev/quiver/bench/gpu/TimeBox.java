package dev.quiver.bench.gpu;

/**
 * A workload's share of the check's time: the whole check must finish inside the GPU machine's
 * budget, so each workload measures as much as fits in its box and reports how much that was.
 */
final class TimeBox {

    private final long deadline;

    private TimeBox(double seconds) {
        this.deadline = System.nanoTime() + (long) (seconds * 1e9);
    }

    static TimeBox of(double seconds) {
        return new TimeBox(seconds);
    }

    /** Seconds left, never negative. */
    double remaining() {
        return Math.max(0, (deadline - System.nanoTime()) / 1e9);
    }

    /** Whether something estimated to take {@code seconds} still fits. */
    boolean fits(double seconds) {
        return seconds <= remaining();
    }

    /** Seconds since {@code startNanos}, a {@link System#nanoTime()} reading. */
    static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
