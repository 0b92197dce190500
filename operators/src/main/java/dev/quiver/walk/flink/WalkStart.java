package dev.quiver.walk.flink;

import dev.quiver.io.RawRecord;
import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;
import dev.quiver.walk.WalkModel;

/**
 * What the walk operator receives: a valid observation, its original bytes (for a dead letter
 * decided by state, such as a late observation), and the step law learned for its key when the walk
 * is posterior-driven. A Flink POJO.
 *
 * <p>The step law is the Student-t posterior predictive {@code (location, scale, dof)} that {@link
 * StepPosteriorFunction} computed for exactly this observation; {@code dof} is NaN when the job's
 * configured model applies instead.
 *
 * <pre>{@code
 * WalkStart start = WalkStart.of(Traced.of(observation, raw));
 * start.stepLaw(WalkModel.simple(0.5));            // simple(p=0.5): the job's model
 * start.setStepLaw(WalkModel.studentT(0.2, 1.1, 9));
 * start.stepLaw(WalkModel.simple(0.5));            // the learned student-t
 * }</pre>
 */
public final class WalkStart {

    /** The observation; its value is the walk's start level. */
    public Observation observation;

    /** Where it came from and its original bytes. */
    public RawRecord origin;

    /** Location of the learned Student-t step law. */
    public double location;

    /** Scale of the learned Student-t step law. */
    public double scale;

    /** Degrees of freedom of the learned step law; NaN when the job's model applies. */
    public double dof = Double.NaN;

    /** For Flink's POJO serializer. */
    public WalkStart() {}

    /** A start that walks with the job's configured model. */
    public static WalkStart of(Traced<Observation> traced) {
        WalkStart start = new WalkStart();
        start.observation = traced.record;
        start.origin = traced.origin;
        return start;
    }

    /**
     * Sets the learned step law.
     *
     * @throws IllegalArgumentException unless {@code model} is a Student-t law
     */
    public void setStepLaw(WalkModel model) {
        if (model.kind() != WalkModel.Kind.STUDENT_T) {
            throw new IllegalArgumentException(
                    "a learned step law is a student-t predictive, got " + model);
        }
        location = model.location();
        scale = model.scale();
        dof = model.dof();
    }

    /** True when a step law was learned for this start. */
    public boolean hasStepLaw() {
        return !Double.isNaN(dof);
    }

    /** The learned step law, or {@code configured} when none was learned. */
    public WalkModel stepLaw(WalkModel configured) {
        return hasStepLaw() ? WalkModel.studentT(location, scale, dof) : configured;
    }

    @Override
    public String toString() {
        return observation + (hasStepLaw() ? " with " + stepLaw(null) : "");
    }
}
