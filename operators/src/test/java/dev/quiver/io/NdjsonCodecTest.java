package dev.quiver.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.QueryMode;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.VectorOp;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

class NdjsonCodecTest {
    private static final NdjsonCodec<Observation> OBSERVATIONS = NdjsonCodec.of(Observation.class);

    static Stream<SpecificRecord> samples() {
        return SampleRecords.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyRecordTypeRoundTrips(SpecificRecord record) throws Exception {
        NdjsonCodec<SpecificRecord> codec = codecFor(record);

        String line = codec.encode(record);
        SpecificRecord back = codec.decode(line);

        // Field by field: Avro's generated equals compares doubles with ==, so NaN != NaN.
        SampleRecords.assertSameRecord(back, record);
        assertThat(line).doesNotContain("\n").doesNotContain("\r").startsWith("{").endsWith("}");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decodeAnyThenEncodeAnyPrintsWhatTheTypedCodecPrints(SpecificRecord record)
            throws Exception {
        byte[] bytes = AvroSingleObjectCodecTest.codecFor(record).encode(record);

        SpecificRecord any = QuiverSchemas.decodeAny(bytes);

        assertThat(any).isInstanceOf(record.getClass());
        SampleRecords.assertSameRecord(any, record);
        assertThat(NdjsonCodec.encodeAny(any)).isEqualTo(codecFor(record).encode(record));
    }

    @Test
    void defaultsAreNotSharedBetweenRecords() throws Exception {
        String line = "{\"key\":\"ad-7\",\"ts\":1,\"value\":1}";
        Observation first = OBSERVATIONS.decode(line);
        first.getFeatures().add(0.3);

        assertThat(OBSERVATIONS.decode(line).getFeatures()).isEmpty();
    }

    @Test
    void missingOptionalFieldsTakeTheirDefaults() throws Exception {
        Observation o = OBSERVATIONS.decode("{\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1}");

        assertThat(o.getKey()).isEqualTo("ad-7");
        assertThat(o.getTs()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(o.getValue()).isEqualTo(1.0);
        assertThat(o.getId()).isNull();
        assertThat(o.getFeatures()).isEmpty();
        assertThat(o.getLabel()).isNull();
        assertThat(o.getCategory()).isNull();

        QueryEvent q =
                NdjsonCodec.of(QueryEvent.class).decode("{\"id\":\"q\",\"ts\":0,\"vector\":[1,2]}");
        assertThat(q.getNamespace()).isEqualTo("default");
        assertThat(q.getK()).isEqualTo(10);
        assertThat(q.getMode()).isEqualTo(QueryMode.KNN);
        assertThat(q.getRadius()).isNull();

        VectorEvent v =
                NdjsonCodec.of(VectorEvent.class).decode("{\"id\":\"v\",\"ts\":0,\"vector\":[]}");
        assertThat(v.getOp()).isEqualTo(VectorOp.UPSERT);
        assertThat(v.getAttributes()).isEmpty();
    }

    @Test
    void defaultDoubleArraysAcceptAddedElementsAtFullPrecision() throws Exception {
        Observation o = OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":0}");

        o.getFeatures().add(0.3);

        assertThat(o.getFeatures()).containsExactly(0.3);
    }

    @Test
    void encodesInSchemaOrderWithTimestampsAsEpochMillis() throws Exception {
        Observation o = OBSERVATIONS.decode("{\"value\":1,\"ts\":1700000000000,\"key\":\"ad-7\"}");

        assertThat(OBSERVATIONS.encode(o))
                .isEqualTo(
                        "{\"id\":null,\"key\":\"ad-7\",\"ts\":1700000000000,\"value\":1.0,\"features\":[],"
                            + "\"label\":null,\"category\":null}");
    }

    @Test
    void unknownFieldIsRejectedByName() {
        assertThatThrownBy(
                        () -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":1,\"foo\":2}"))
                .isInstanceOf(DecodeException.class)
                .hasMessage("unknown field 'foo'");
        assertThatThrownBy(
                        () ->
                                NdjsonCodec.of(MatchResult.class)
                                        .decode(
                                                "{\"queryId\":\"q\",\"namespace\":\"n\",\"ts\":0,\"mode\":\"KNN\","
                                                    + "\"neighbors\":[{\"id\":\"a\",\"distance\":1},"
                                                    + "{\"id\":\"b\",\"distance\":2,\"rank\":2}],"
                                                    + "\"exact\":true,\"indexSize\":2,\"latencyMs\":0}"))
                .hasMessage("unknown field 'neighbors[1].rank'");
    }

    @Test
    void missingRequiredFieldIsRejectedByName() {
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":\"k\",\"value\":1}"))
                .isInstanceOf(DecodeException.class)
                .hasMessage("field 'ts' is required");
        assertThatThrownBy(
                        () ->
                                NdjsonCodec.of(MatchResult.class)
                                        .decode(
                                                "{\"queryId\":\"q\",\"namespace\":\"n\",\"ts\":0,\"mode\":\"KNN\","
                                                    + "\"neighbors\":[{\"distance\":1}],"
                                                    + "\"exact\":true,\"indexSize\":1,\"latencyMs\":0}"))
                .hasMessage("field 'neighbors[0].id' is required");
    }

    @Test
    void nullAndNanInFeaturesBecomeNanAndAreWrittenBackAsNull() throws Exception {
        Observation o =
                OBSERVATIONS.decode(
                        "{\"key\":\"k\",\"ts\":0,\"value\":NaN,\"features\":[1.5,null,NaN,-Infinity]}");

        assertThat(o.getValue()).isNaN();
        assertThat(o.getFeatures()).hasSize(4);
        assertThat(o.getFeatures().get(0)).isEqualTo(1.5);
        assertThat(o.getFeatures().get(1)).isNaN();
        assertThat(o.getFeatures().get(2)).isNaN();
        assertThat(o.getFeatures().get(3)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(OBSERVATIONS.encode(o))
                .contains("\"value\":null")
                .contains("\"features\":[1.5,null,null,null]");
    }

    @Test
    void nullInANullableDoubleIsNullButNanIsNan() throws Exception {
        Observation absent =
                OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":0,\"label\":null}");
        Observation nan = OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":0,\"label\":NaN}");

        assertThat(absent.getLabel()).isNull();
        assertThat(nan.getLabel()).isNaN();
        // JSON has no NaN: written as null, it reads back as an absent label.
        assertThat(OBSERVATIONS.encode(nan)).contains("\"label\":null");
    }

    @Test
    void nullInFloatVectorsAndDoubleMapsIsNan() throws Exception {
        QueryEvent q =
                NdjsonCodec.of(QueryEvent.class)
                        .decode("{\"id\":\"q\",\"ts\":0,\"vector\":[0.1,null],\"radius\":null}");
        PosteriorUpdate p =
                NdjsonCodec.of(PosteriorUpdate.class)
                        .decode(
                                "{\"key\":\"k\",\"ts\":0,\"model\":\"m\",\"n\":1,\"params\":{\"alpha\":null},"
                                    + "\"mean\":0,\"variance\":0,\"ciLow\":0,\"ciHigh\":0,\"latencyMs\":0}");

        assertThat(q.getVector()).containsExactly(0.1f, Float.NaN);
        assertThat(q.getRadius()).isNull();
        assertThat(p.getParams().get("alpha")).isNaN();
    }

    @Test
    void integerJsonValueIsFineForADoubleField() throws Exception {
        assertThat(OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":1}").getValue())
                .isEqualTo(1.0);
        assertThat(OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":-7e2}").getValue())
                .isEqualTo(-700.0);
    }

    @Test
    void integralValuesMustBeIntegralAndInRange() throws Exception {
        NdjsonCodec<QueryEvent> queries = NdjsonCodec.of(QueryEvent.class);
        String prefix = "{\"id\":\"q\",\"ts\":0,\"vector\":[],\"k\":";

        assertThat(queries.decode(prefix + "3.0}").getK()).isEqualTo(3);
        assertThat(queries.decode(prefix + "2e1}").getK()).isEqualTo(20);
        assertThatThrownBy(() -> queries.decode(prefix + "1.5}"))
                .hasMessage("field 'k': expected an integer, got 1.5");
        assertThatThrownBy(() -> queries.decode(prefix + "3000000000}"))
                .hasMessage("field 'k': 3000000000 is out of range for an int");
        assertThatThrownBy(() -> queries.decode(prefix + "1e999999999}"))
                .hasMessage("field 'k': 1e999999999 is out of range for an int");
        assertThatThrownBy(() -> queries.decode(prefix + "NaN}"))
                .hasMessage("field 'k': expected an integer, got NaN");
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":1.5,\"value\":0}"))
                .hasMessage("field 'ts': expected an integer, got 1.5");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":99999999999999999999,\"value\":0}"))
                .hasMessage("field 'ts': 99999999999999999999 is out of range for a long");
    }

    @Test
    void finiteNumbersBeyondTheTypeAreRejected() {
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":1e400}"))
                .hasMessage("field 'value': 1e400 is out of range for a double");
        assertThatThrownBy(
                        () ->
                                NdjsonCodec.of(QueryEvent.class)
                                        .decode("{\"id\":\"q\",\"ts\":0,\"vector\":[1e39]}"))
                .hasMessage("field 'vector[0]': 1e39 is out of range for a float");
    }

    @Test
    void badEnumSymbolListsTheAllowedOnes() {
        assertThatThrownBy(
                        () ->
                                NdjsonCodec.of(QueryEvent.class)
                                        .decode(
                                                "{\"id\":\"q\",\"ts\":0,\"vector\":[],\"mode\":\"NEAREST\"}"))
                .isInstanceOf(DecodeException.class)
                .hasMessage(
                        "field 'mode': unknown symbol \"NEAREST\", expected one of KNN, RADIUS,"
                                + " MATCH");
    }

    @Test
    void wrongTypeNamesTheFieldAndTheValue() {
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":\"x\"}"))
                .isInstanceOf(DecodeException.class)
                .hasMessage("field 'value': expected a number, got \"x\"");
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":12,\"ts\":0,\"value\":1}"))
                .hasMessage("field 'key': expected a string, got 12");
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":null,\"ts\":0,\"value\":1}"))
                .hasMessage("field 'key': expected a string, got null");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":\"2023-11-14\",\"value\":1}"))
                .hasMessage("field 'ts': expected an integer, got \"2023-11-14\"");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":0,\"value\":1,\"features\":{}}"))
                .hasMessage("field 'features': expected an array, got an object");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":0,\"value\":1,\"features\":[1,true]}"))
                .hasMessage("field 'features[1]': expected a number, got true");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":0,\"value\":1,\"label\":[]}"))
                .hasMessage("field 'label': expected null or a number, got an array");
        assertThatThrownBy(
                        () ->
                                NdjsonCodec.of(VectorEvent.class)
                                        .decode(
                                                "{\"id\":\"v\",\"ts\":0,\"vector\":[],\"attributes\":{\"a\":1}}"))
                .hasMessage("field 'attributes.a': expected a string, got 1");
    }

    @Test
    void longValuesAreCutInReasons() {
        String longText = "x".repeat(500);

        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":0,\"value\":\"" + longText + "\"}"))
                .hasMessage("field 'value': expected a number, got \"" + "x".repeat(40) + "\"...");
    }

    @Test
    void bytesAreBase64BothWays() throws Exception {
        NdjsonCodec<ModelUpdate> updates = NdjsonCodec.of(ModelUpdate.class);
        ModelUpdate update = (ModelUpdate) SampleRecords.populated(ModelUpdate.class);

        String line = updates.encode(update);

        assertThat(line).contains("\"payload\":\"AAEC/3sK\"");
        assertThat(updates.decode(line).getPayload())
                .isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xFF, '{', '\n'}));
        assertThatThrownBy(
                        () ->
                                updates.decode(
                                        "{\"modelId\":\"m\",\"version\":1,\"format\":\"f\","
                                                + "\"payload\":\"!!\",\"ts\":0}"))
                .hasMessageStartingWith("field 'payload': not valid base64: ");
    }

    @Test
    void encodingDoesNotMoveTheByteBuffer() {
        DeadLetter letter = (DeadLetter) SampleRecords.populated(DeadLetter.class);
        int position = letter.getPayload().position();

        NdjsonCodec.encodeAny(letter);

        assertThat(letter.getPayload().position()).isEqualTo(position);
    }

    @Test
    void mapsAreObjectsWithSortedKeys() throws Exception {
        WalkSummary walk = (WalkSummary) SampleRecords.populated(WalkSummary.class);

        String line = NdjsonCodec.encodeAny(walk);

        assertThat(line)
                .contains("\"quantiles\":{\"0.05\":-16.4,\"0.5\":0.0,\"0.95\":16.4}")
                .contains(
                        "\"histogram\":[{\"position\":-2.0,\"count\":10},"
                                + "{\"position\":0.0,\"count\":50}]");
        assertThat(NdjsonCodec.of(WalkSummary.class).decode(line).getQuantiles())
                .isEqualTo(Map.of("0.05", -16.4, "0.5", 0.0, "0.95", 16.4));
    }

    @Test
    void linesThatAreNotOneJsonObjectAreRejected() {
        assertThatThrownBy(() -> OBSERVATIONS.decode(null))
                .hasMessage("not a JSON object: the line is null");
        assertThatThrownBy(() -> OBSERVATIONS.decode(""))
                .hasMessage("not a JSON object: empty line");
        assertThatThrownBy(() -> OBSERVATIONS.decode("   "))
                .hasMessage("not a JSON object: empty line");
        assertThatThrownBy(() -> OBSERVATIONS.decode("[1,2]"))
                .hasMessage("not a JSON object: got an array");
        assertThatThrownBy(() -> OBSERVATIONS.decode("42")).hasMessage("not a JSON object: got 42");
        assertThatThrownBy(() -> OBSERVATIONS.decode("\"text\""))
                .hasMessage("not a JSON object: got \"text\"");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"ts\":0,\"value\":1} {\"key\":\"k\"}"))
                .hasMessage("trailing content after the JSON object at column 30");
        assertThatThrownBy(
                        () -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,\"value\":1} garbage"))
                .hasMessageStartingWith("malformed JSON at column ");
        assertThatThrownBy(() -> OBSERVATIONS.decode("{\"key\":\"k\",\"ts\":0,"))
                .hasMessageStartingWith("malformed JSON at column ");
        assertThatThrownBy(
                        () ->
                                OBSERVATIONS.decode(
                                        "{\"key\":\"k\",\"key\":\"j\",\"ts\":0,\"value\":1}"))
                .hasMessageStartingWith("malformed JSON at column ")
                .hasMessageContaining("Duplicate field 'key'");
    }

    @Test
    void reasonsAreOneLine() {
        String[] lines = {
            "{\"key\":\"k\",\"ts\":0,",
            "{\"key\":\"k\nk\",\"ts\":0,\"value\":\"a\nb\"}",
            "{'key':1}",
            "{\"a\"}",
        };
        for (String line : lines) {
            assertThatThrownBy(() -> OBSERVATIONS.decode(line))
                    .isInstanceOf(DecodeException.class)
                    .satisfies(
                            e ->
                                    assertThat(e.getMessage())
                                            .doesNotContain("\n")
                                            .doesNotContain("\r"));
        }
    }

    @Test
    void encodingAnInvalidRecordIsAProgrammingError() {
        Observation o = (Observation) SampleRecords.populated(Observation.class);
        o.setKey(null);

        assertThatThrownBy(() -> OBSERVATIONS.encode(o))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "cannot write Observation as JSON: field 'key': is null, but the schema"
                                + " does not allow null");
    }

    @Test
    void stringsWithLineBreaksStayOnOneLine() throws Exception {
        Observation o = (Observation) SampleRecords.populated(Observation.class);
        o.setCategory("a\nb\u2028c\"d");

        String line = OBSERVATIONS.encode(o);

        assertThat(line).doesNotContain("\n");
        assertThat(OBSERVATIONS.decode(line).getCategory()).isEqualTo("a\nb\u2028c\"d");
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        NdjsonCodec<Observation> shipped = AvroSingleObjectCodecTest.roundTrip(OBSERVATIONS);

        Observation o = shipped.decode("{\"key\":\"k\",\"ts\":5,\"value\":2}");

        assertThat(shipped.encode(o)).isEqualTo(OBSERVATIONS.encode(o));
    }

    @Test
    void everyRecordTypeHasAnNdjsonCodec() {
        for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
            assertThat(NdjsonCodec.of(type)).hasToString("NdjsonCodec[" + type.getName() + "]");
        }
    }

    @SuppressWarnings("unchecked")
    private static NdjsonCodec<SpecificRecord> codecFor(SpecificRecord record) {
        return NdjsonCodec.of((Class<SpecificRecord>) record.getClass());
    }
}
