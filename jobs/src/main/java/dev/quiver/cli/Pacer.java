package dev.quiver.cli;

/**
 * Holds a loop to a steady rate: {@code await(n)} sleeps until n events' worth of time has passed
 * since the pacer was made. A rate of 0 or less means no limit.
 *
 * <pre>{@code
 * Pacer pacer = new Pacer(1000);
 * for (long i = 1; i <= n; i++) { send(); pacer.await(i); }
 * }</pre>
 */
final class Pacer {

    private final double ratePerSecond;
    private final long startNanos = System.nanoTime();

    Pacer(double ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
    }

    void await(long events) throws InterruptedException {
        if (ratePerSecond <= 0) {
            return;
        }
        long dueNanos = startNanos + (long) (events * 1e9 / ratePerSecond);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 1_000_000) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
