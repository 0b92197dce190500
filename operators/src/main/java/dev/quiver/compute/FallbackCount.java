package dev.quiver.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run-or-fall-back rule of the fallback capabilities: run a call on the device capability,
 * and when it throws {@link BackendFailureException} run it again on the {@code java} one; count
 * both. The failure is logged at WARN the first time and whenever the count reaches a power of
 * two, so a device that keeps failing is visible without one line per batch.
 */
final class FallbackCount implements BackendCounters {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackCount.class);

    private long batches;
    private long fallbacks;
    private final String capability;
    private final Object primary;

    /**
     * Counts for the device capability {@code primary}; {@code capability} names its calls in the
     * log, e.g. "cuda distances".
     */
    FallbackCount(String capability, Object primary) {
        this.capability = capability;
        this.primary = primary;
    }

    /** Runs {@code primary}; on a backend failure runs {@code fallback} and counts it. */
    void run(Runnable primary, Runnable fallback) {
        batches++;
        try {
            primary.run();
        } catch (BackendFailureException e) {
            fellBack(e);
            fallback.run();
        }
    }

    /** Counts a call that {@code failure} sent to the {@code java} backend, and logs it. */
    void fellBack(BackendFailureException failure) {
        fallbacks++;
        if (Long.bitCount(fallbacks) == 1) {
            LOG.warn(
                    "{} failed, the java backend answers instead ({} fallbacks so far)",
                    capability,
                    fallbacks,
                    failure);
        }
    }

    /** Counts a call the {@code java} backend answers because the device part is already lost. */
    void ranOnFallback() {
        batches++;
        fallbacks++;
    }

    @Override
    public long batches() {
        return batches;
    }

    @Override
    public long fallbacks() {
        return fallbacks;
    }

    /** The device memory the primary capability reports holding. */
    @Override
    public long deviceMemoryBytes() {
        return primary instanceof BackendCounters counters ? counters.deviceMemoryBytes() : 0;
    }
}
