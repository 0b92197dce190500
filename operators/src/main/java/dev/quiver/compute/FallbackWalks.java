package dev.quiver.compute;

/**
 * A device's walks with the {@code java} backend's behind them: a call that fails on the device
 * ({@link BackendFailureException}) is run again on the fallback, which resets the tallies, so the
 * batch gets the same statistics either way (both are bit-identical to the Java kernel). Closing it
 * closes the device part only: the registry owns the fallback.
 *
 * <pre>{@code
 * WalkKernel walks = new FallbackWalks(cudaWalks, javaWalks);
 * walks.simulate(law, batch, tallies); // same bits either way
 * }</pre>
 */
public final class FallbackWalks extends FallbackPair<WalkKernel> implements WalkKernel {

    /** Walks on {@code primary}, re-run on {@code fallback} when the device fails. */
    public FallbackWalks(WalkKernel primary, WalkKernel fallback) {
        super(primary, fallback, primary.backend(), "walks");
    }

    @Override
    public void simulate(WalkLaw law, WalkBatch batch, WalkTallies out) {
        count().run(
                () -> primary.simulate(law, batch, out),
                () -> fallback.simulate(law, batch, out));
    }

    @Override
    public void close() {
        primary.close();
    }
}
