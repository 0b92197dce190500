package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.RecordValidator;
import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.Observation;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The decode step under Flink's test harness: good records flow on, bad ones become dead letters.
 */
class DecodeFunctionTest {

    private static final RecordValidator<Observation> ZERO_OR_ONE =
            o ->
                    o.getValue() == 0 || o.getValue() == 1
                            ? null
                            : "value must be 0 or 1, got " + o.getValue();

    @Test
    void avroRecordsAreDecodedAndBadOnesDeadLetteredWithTheirBytes() throws Exception {
        AvroSingleObjectCodec<Observation> codec = AvroSingleObjectCodec.of(Observation.class);
        byte[] good = codec.encode(observation(1));
        byte[] invalid = codec.encode(observation(3));
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        byte[] oversize = new byte[2048];
        try (OneInputStreamOperatorTestHarness<RawRecord, Observation> harness =
                harness(RecordFormat.AVRO)) {
            harness.processElement(RawRecord.of("t", 0, 10, good), 0);
            harness.processElement(RawRecord.of("t", 0, 11, invalid), 0);
            harness.processElement(RawRecord.of("t", 1, 12, garbage), 0);
            harness.processElement(RawRecord.of("t", 1, 13, oversize), 0);
            harness.processElement(RawRecord.of("t", 1, 14, null), 0);

            assertThat(harness.extractOutputValues()).containsExactly(observation(1));
            List<DeadLetter> dead = deadLetters(harness);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(11L, 12L, 13L, 14L);
            assertThat(dead).extracting(DeadLetter::getPartition).containsExactly(0, 1, 1, 1);
            assertThat(dead).allSatisfy(d -> assertThat(d.getSource()).isEqualTo("t"));
            assertThat(dead.get(0).getReason()).isEqualTo("value must be 0 or 1, got 3.0");
            assertThat(dead.get(1).getReason()).contains("bad header");
            assertThat(dead.get(2).getReason()).contains("2048 bytes").contains("1024");
            assertThat(dead.get(0).getPayload().array()).isEqualTo(invalid);
            assertThat(dead.get(1).getPayload().array()).isEqualTo(garbage);
            assertThat(dead.get(3).getPayload().remaining()).isZero();
        }
    }

    @Test
    void deadLettersOfHugeRecordsKeepTheFirstBytesAndSaySo() throws Exception {
        byte[] huge = new byte[DeadLetters.MAX_PAYLOAD_BYTES + 1000];
        huge[0] = 7;
        try (OneInputStreamOperatorTestHarness<RawRecord, Observation> harness =
                harness(RecordFormat.AVRO)) {
            harness.processElement(RawRecord.of("t", 0, 10, huge), 0);

            DeadLetter dead = deadLetters(harness).get(0);
            assertThat(dead.getReason())
                    .contains("exceeds")
                    .endsWith(
                            "(payload truncated to its first "
                                    + DeadLetters.MAX_PAYLOAD_BYTES
                                    + " of "
                                    + huge.length
                                    + " bytes)");
            assertThat(dead.getPayload().array())
                    .isEqualTo(Arrays.copyOf(huge, DeadLetters.MAX_PAYLOAD_BYTES));
        }
    }

    @Test
    void ndjsonLinesAreDecodedAndBadOnesDeadLetteredWithTheirText() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, Observation> harness =
                harness(RecordFormat.NDJSON)) {
            harness.processElement(line(1, "{\"key\":\"k\",\"ts\":5,\"value\":1}"), 0);
            harness.processElement(line(2, "{\"key\":\"k\",\"ts\":5,\"value\":1,\"extra\":0}"), 0);
            harness.processElement(line(3, "{\"key\":\"k\",\"ts\":5,\"value\":0.5}"), 0);

            assertThat(harness.extractOutputValues()).containsExactly(observation(1));
            List<DeadLetter> dead = deadLetters(harness);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(2L, 3L);
            assertThat(dead.get(0).getReason()).contains("extra");
            assertThat(dead.get(1).getReason()).isEqualTo("value must be 0 or 1, got 0.5");
            assertThat(new String(dead.get(0).getPayload().array(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"key\":\"k\",\"ts\":5,\"value\":1,\"extra\":0}");
        }
    }

    @Test
    void ndjsonKeysThatAreNotUnicodeAreDeadLetteredWithTheirOriginalBytes() throws Exception {
        // One byte per char: "\u00FF" is the byte FF. Decoded leniently, both keys would be U+FFFD.
        byte[] badBytes = latin1("{\"key\":\"\u00FF\u00FE\u00FD\",\"ts\":5,\"value\":1}");
        byte[] encodedSurrogate = latin1("{\"key\":\"\u00ED\u00A0\u0080\",\"ts\":5,\"value\":1}");
        byte[] loneSurrogate = latin1("{\"key\":\"\\ud800\",\"ts\":5,\"value\":1}");
        byte[] good = "{\"key\":\"ключ\",\"ts\":5,\"value\":1}".getBytes(StandardCharsets.UTF_8);
        try (OneInputStreamOperatorTestHarness<RawRecord, Observation> harness =
                harness(RecordFormat.NDJSON)) {
            harness.processElement(RawRecord.of("file:in.ndjson", -1, 1, badBytes), 0);
            harness.processElement(RawRecord.of("file:in.ndjson", -1, 2, encodedSurrogate), 0);
            harness.processElement(RawRecord.of("file:in.ndjson", -1, 3, loneSurrogate), 0);
            harness.processElement(RawRecord.of("file:in.ndjson", -1, 4, good), 0);

            assertThat(harness.extractOutputValues())
                    .extracting(Observation::getKey)
                    .containsExactly("ключ");
            List<DeadLetter> dead = deadLetters(harness);
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(1L, 2L, 3L);
            assertThat(dead)
                    .extracting(DeadLetter::getReason)
                    .containsExactly(
                            "field 'key': not valid UTF-8 at byte 8",
                            "field 'key': not valid UTF-8 at byte 8",
                            "field 'key': not valid UTF-8: unpaired surrogate \\uD800 at"
                                    + " character 0");
            assertThat(dead)
                    .extracting(d -> d.getPayload().array())
                    .containsExactly(badBytes, encodedSurrogate, loneSurrogate);
        }
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, Observation> harness(
            RecordFormat format) throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                DecodeFunction.of(Observation.class, format, 1024, ZERO_OR_ONE));
    }

    /** One byte per char, for bytes that are not UTF-8. */
    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static RawRecord line(long number, String text) {
        return RawRecord.of("file:in.ndjson", -1, number, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<RawRecord, Observation> harness) {
        return harness.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    }

    private static Observation observation(double value) {
        return Observation.newBuilder()
                .setKey("k")
                .setTs(Instant.ofEpochMilli(5))
                .setValue(value)
                .build();
    }
}
