package dev.quiver.walk;

import dev.quiver.compute.WalkLaw;

/**
 * Converts between this package's {@link WalkSpec} and the compute package's primitive {@link
 * WalkLaw}, which a {@link dev.quiver.compute.WalkKernel} simulates.
 *
 * <pre>{@code
 * WalkSpec spec = new WalkSpec(WalkModel.lazy(0.2, 0.5), 100, 1000, 5, WalkSpec.Track.PATH);
 * WalkLaw law = WalkLaws.of(spec, Long.MAX_VALUE);
 * WalkLaws.spec(law).equals(spec); // true
 * }</pre>
 */
public final class WalkLaws {

    private WalkLaws() {}

    /** The law of {@code spec}, simulated within {@code maxMemoryBytes} per simulation. */
    public static WalkLaw of(WalkSpec spec, long maxMemoryBytes) {
        WalkModel model = spec.model();
        return new WalkLaw(
                WalkLaw.Kind.valueOf(model.kind().name()),
                model.p(),
                model.r(),
                model.location(),
                model.scale(),
                model.dof(),
                spec.steps(),
                spec.paths(),
                spec.barrier(),
                spec.track() == WalkSpec.Track.PATH,
                maxMemoryBytes);
    }

    /**
     * The spec of {@code law}.
     *
     * @throws IllegalArgumentException if the law's parameters are invalid, as {@link WalkModel}
     *     and {@link WalkSpec} say
     */
    public static WalkSpec spec(WalkLaw law) {
        WalkModel model =
                switch (law.kind()) {
                    case SIMPLE -> WalkModel.simple(law.p());
                    case LAZY -> WalkModel.lazy(law.r(), law.p());
                    case GAUSSIAN -> WalkModel.gaussian(law.location(), law.scale());
                    case STUDENT_T -> WalkModel.studentT(law.location(), law.scale(), law.dof());
                };
        return new WalkSpec(
                model,
                law.steps(),
                law.paths(),
                law.barrier(),
                law.trackPaths() ? WalkSpec.Track.PATH : WalkSpec.Track.FINAL);
    }
}
