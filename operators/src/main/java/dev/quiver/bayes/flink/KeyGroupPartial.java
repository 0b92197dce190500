package dev.quiver.bayes.flink;

import dev.quiver.bayes.ConjugatePosterior;

/**
 * The partial posterior of one key group: the prior plus the data of every key of the group that
 * one subtask of the bayes operator holds. Key groups are Flink's unit of keyed-state
 * redistribution, so a group's keys, their windows and this partial always move together: merging
 * the latest partial of every group is the exact global posterior for any parallelism, also after a
 * rescale. Travels from the bayes operator to the global merge and sits in its checkpoints. A Flink
 * POJO.
 *
 * <pre>{@code
 * KeyGroupPartial piece = KeyGroupPartial.of(17, 1_700_000_000_000L, posterior.toBytes());
 * ConjugatePosterior partial = options.restore(piece.state);
 * }</pre>
 */
public final class KeyGroupPartial {
    /** The key group, in [0, max parallelism). */
    public int keyGroup;

    /** The latest event time among the observations in it, epoch milliseconds. */
    public long maxTs;

    /** The partial posterior's state bytes ({@link ConjugatePosterior#toBytes()}). */
    public byte[] state;

    /** In a checkpoint: whether it changed since it was last sent to the global merge. */
    public boolean unsent;

    /** For Flink's POJO serializer. */
    public KeyGroupPartial() {}

    /** A partial that has been sent. */
    public static KeyGroupPartial of(int keyGroup, long maxTs, byte[] state) {
        KeyGroupPartial partial = new KeyGroupPartial();
        partial.keyGroup = keyGroup;
        partial.maxTs = maxTs;
        partial.state = state;
        return partial;
    }

    @Override
    public String toString() {
        return "KeyGroupPartial{keyGroup="
                + keyGroup
                + ", maxTs="
                + maxTs
                + ", unsent="
                + unsent
                + ", "
                + state.length
                + " bytes}";
    }
}
