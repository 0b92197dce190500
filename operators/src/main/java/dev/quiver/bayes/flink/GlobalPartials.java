package dev.quiver.bayes.flink;

import dev.quiver.bayes.BayesModels;
import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BayesOptions;
import dev.quiver.bayes.ConjugatePosterior;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One subtask's partial posteriors by key group, for the global posterior: every observation a key
 * adds or its window evicts is applied to its key group's partial too, so merging all groups'
 * partials equals one posterior over every key's current data. Keeps which partials changed since
 * they were last sent. Not thread-safe: it belongs to one subtask.
 *
 * <pre>{@code
 * GlobalPartials partials = new GlobalPartials(options);
 * if (partials.update(keyGroup, observation, ts)) {
 *   // the group had nothing unsent: schedule a send
 * }
 * KeyGroupPartial[] changed = partials.takeUnsent();
 * }</pre>
 */
final class GlobalPartials {

    /** One key group's partial posterior. */
    private static final class Piece {
        final ConjugatePosterior posterior;
        long maxTs;
        boolean unsent;

        Piece(ConjugatePosterior posterior, long maxTs, boolean unsent) {
            this.posterior = posterior;
            this.maxTs = maxTs;
            this.unsent = unsent;
        }
    }

    private final BayesOptions options;
    private final Map<Integer, Piece> pieces = new HashMap<>();
    private int unsentCount;

    GlobalPartials(BayesOptions options) {
        this.options = options;
    }

    /**
     * Adds an observation of a key in {@code keyGroup}.
     *
     * @return true when the group had no unsent change before, so the caller schedules a send
     */
    boolean update(int keyGroup, BayesObservation observation, long ts) {
        Piece piece = pieces.get(keyGroup);
        if (piece == null) {
            piece = new Piece(options.newPosterior(), ts, false);
            pieces.put(keyGroup, piece);
        }
        piece.posterior.update(observation);
        piece.maxTs = Math.max(piece.maxTs, ts);
        return markUnsent(piece);
    }

    /** Removes an observation that a key in {@code keyGroup} evicted from its window. */
    void revert(int keyGroup, BayesObservation observation) {
        Piece piece = pieces.get(keyGroup);
        if (piece == null) {
            throw new IllegalStateException(
                    "no partial for key group " + keyGroup + " to revert an observation from");
        }
        piece.posterior.revert(observation);
        markUnsent(piece);
    }

    /** Whether some partial changed since it was last sent. */
    boolean hasUnsent() {
        return unsentCount > 0;
    }

    /** The partials changed since they were last sent, now marked sent. */
    KeyGroupPartial[] takeUnsent() {
        KeyGroupPartial[] out = new KeyGroupPartial[unsentCount];
        int i = 0;
        for (Map.Entry<Integer, Piece> entry : pieces.entrySet()) {
            Piece piece = entry.getValue();
            if (piece.unsent) {
                out[i++] =
                        KeyGroupPartial.of(entry.getKey(), piece.maxTs, piece.posterior.toBytes());
                piece.unsent = false;
            }
        }
        unsentCount = 0;
        return out;
    }

    /** Every partial, for a checkpoint, each flagged whether it is still unsent. */
    List<KeyGroupPartial> snapshot() {
        List<KeyGroupPartial> out = new ArrayList<>(pieces.size());
        for (Map.Entry<Integer, Piece> entry : pieces.entrySet()) {
            Piece piece = entry.getValue();
            KeyGroupPartial partial =
                    KeyGroupPartial.of(entry.getKey(), piece.maxTs, piece.posterior.toBytes());
            partial.unsent = piece.unsent;
            out.add(partial);
        }
        return out;
    }

    /**
     * Takes back a checkpointed partial.
     *
     * @throws IllegalStateException if it was written with another prior or configuration than the
     *     job's options
     */
    void restore(KeyGroupPartial partial) {
        byte[] expected = options.newPosterior().toBytes();
        if (!BayesModels.sameConfiguration(expected, partial.state)) {
            throw new IllegalStateException(
                    "the checkpointed global partial of key group "
                            + partial.keyGroup
                            + " was written with another model, prior or configuration than"
                            + " this job's options; restore with the options it was written"
                            + " with");
        }
        Piece piece = new Piece(options.restore(partial.state), partial.maxTs, partial.unsent);
        Piece before = pieces.put(partial.keyGroup, piece);
        if (before != null) {
            throw new IllegalStateException(
                    "key group " + partial.keyGroup + " has two checkpointed partials");
        }
        if (piece.unsent) {
            unsentCount++;
        }
    }

    private boolean markUnsent(Piece piece) {
        if (piece.unsent) {
            return false;
        }
        piece.unsent = true;
        unsentCount++;
        return true;
    }
}
