package dev.quiver.hostile;

import dev.quiver.hostile.HostileRun.Sent;
import dev.quiver.io.flink.DeadLetters;
import dev.quiver.schema.DeadLetter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead letters of a run against what was sent: each entry expecting one has exactly one at its
 * coordinates (topic, partition and offset, or file and line), whose reason contains the expected
 * fragment and whose payload is the entry's bytes, byte for byte (the first {@link
 * DeadLetters#MAX_PAYLOAD_BYTES} of a longer one, which the reason then says); no other entry has
 * one, and there is none at coordinates where nothing was sent.
 *
 * <pre>{@code
 * assertThat(DeadLetterCheck.problems(run.sent(), run.deadLetters())).isEmpty();
 * }</pre>
 */
final class DeadLetterCheck {

    private DeadLetterCheck() {}

    /** Every way the dead letters differ from what the entries sent expect. */
    static List<String> problems(List<Sent> sent, List<DeadLetter> deadLetters) {
        Map<String, List<DeadLetter>> byCoordinates = new HashMap<>();
        for (DeadLetter d : deadLetters) {
            String where = d.getSource() + "/" + d.getPartition() + "@" + d.getOffset();
            byCoordinates.computeIfAbsent(where, w -> new ArrayList<>()).add(d);
        }
        List<String> problems = new ArrayList<>();
        for (Sent s : sent) {
            List<DeadLetter> found = byCoordinates.remove(s.coordinates());
            if (!(s.entry().outcome() instanceof Entry.DeadLetter expected)) {
                if (found != null) {
                    problems.add(s + ": a dead letter, '" + found.get(0).getReason() + "'");
                }
            } else if (found == null) {
                problems.add(s + ": no dead letter");
            } else if (found.size() > 1) {
                problems.add(s + ": " + found.size() + " dead letters");
            } else {
                check(s, found.get(0), expected.reason(), problems);
            }
        }
        byCoordinates.forEach(
                (where, found) ->
                        problems.add(
                                "a dead letter where nothing was sent, "
                                        + where
                                        + ": "
                                        + found.get(0).getReason()));
        return problems;
    }

    private static void check(Sent s, DeadLetter found, String reason, List<String> problems) {
        byte[] sentBytes = s.entry().bytes() == null ? new byte[0] : s.entry().bytes();
        byte[] kept = sentBytes;
        if (sentBytes.length > DeadLetters.MAX_PAYLOAD_BYTES) {
            kept = Arrays.copyOf(sentBytes, DeadLetters.MAX_PAYLOAD_BYTES);
            reason =
                    reason
                            + " (payload truncated to its first "
                            + DeadLetters.MAX_PAYLOAD_BYTES
                            + " of "
                            + sentBytes.length
                            + " bytes)";
        }
        if (!found.getReason().contains(reason)) {
            problems.add(s + ": reason '" + found.getReason() + "' does not say '" + reason + "'");
        }
        byte[] payload = bytes(found.getPayload());
        if (!Arrays.equals(payload, kept)) {
            problems.add(
                    s
                            + ": payload of "
                            + payload.length
                            + " bytes is not the "
                            + kept.length
                            + " bytes sent ("
                            + firstDifference(payload, kept)
                            + ")");
        }
    }

    private static String firstDifference(byte[] a, byte[] b) {
        int at = Arrays.mismatch(a, b);
        return at < 0 ? "equal" : "first difference at byte " + at;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
