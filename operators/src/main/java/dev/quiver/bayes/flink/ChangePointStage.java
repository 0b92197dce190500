package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesModels;
import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ChangePointDetector;
import dev.quiver.schema.ChangePoint;

/**
 * The change-point side of the bayes operator ({@code --changepoint}): builds each key's {@link
 * ChangePointDetector} from the job's Normal prior and change-point options or from its state
 * bytes, and reports the detector's view after an observation as the wire {@link ChangePoint}. The
 * detector sees every observation of the key, whatever {@code --window} or {@code --decay} do to
 * the posterior: its run-length distribution is its own way of forgetting.
 *
 * <pre>{@code
 * ChangePointStage stage = new ChangePointStage(options);
 * ChangePointDetector detector = stage.detector(null);
 * ChangePoint after = stage.update(detector, BayesObservation.of(12.5));
 * }</pre>
 */
final class ChangePointStage {

    private final BayesOptions options;

    /** A new key's detector's bytes, whose preamble every restored detector must match. */
    private final byte[] freshBytes;

    ChangePointStage(BayesOptions options) {
        this.options = options;
        this.freshBytes = create().toBytes();
    }

    /**
     * The key's detector from its state bytes, or a new one when {@code stateBytes} is null.
     *
     * @throws IllegalStateException if the bytes were written with another prior or change-point
     *     configuration than the job's options
     */
    ChangePointDetector detector(byte[] stateBytes) {
        if (stateBytes == null) {
            return create();
        }
        if (!BayesModels.sameConfiguration(freshBytes, stateBytes)) {
            throw new IllegalStateException(
                    "a key's change-point state was written with another prior, --hazard,"
                            + " --max-run-length or --short-run-window than this job's options;"
                            + " restore with the options it was written with");
        }
        return ChangePointDetector.fromBytes(stateBytes);
    }

    /** Adds the observation to the detector and returns its run-length summary after it. */
    ChangePoint update(ChangePointDetector detector, BayesObservation observation) {
        var summary = detector.update(observation);
        return new ChangePoint(
                summary.mapRunLength(),
                summary.probRunLengthBelow(),
                summary.window(),
                summary.truncatedMass());
    }

    private ChangePointDetector create() {
        return ChangePointDetector.create(options.changePointConfig());
    }
}
