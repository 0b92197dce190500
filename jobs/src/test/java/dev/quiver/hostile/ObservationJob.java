package dev.quiver.hostile;

import dev.quiver.schema.Observation;

import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A job that reads observations (bayes, walk, score): {@value #GOOD} good observations over {@value
 * #KEYS} keys, the job's semantic cases, and every undecodable kind, interleaved.
 */
abstract class ObservationJob extends HostileJob {

    static final Input OBSERVATIONS =
            new Input("observations", "--input", "--observations-topic", RecordShape.OBSERVATION);

    static final int GOOD = 40;
    static final int KEYS = 4;

    private long nextTs = 1_700_000_000_000L;

    ObservationJob(String name, String resultTopicOption, Class<? extends SpecificRecord> type) {
        super(name, resultTopicOption, type, "id");
    }

    @Override
    List<Input> inputs() {
        return List.of(OBSERVATIONS);
    }

    /** The value of a good observation. */
    abstract double goodValue(SplittableRandom random);

    /** The features of the observation {@code id}; none unless the job reads them. */
    List<Double> features(String id) {
        return List.of();
    }

    /**
     * Adds the job's semantic cases to {@code mix}: observations that decode, and what the job
     * makes of them.
     */
    abstract void semanticCases(EntryMix<Observation> mix);

    /**
     * The cases of a job that keys by the observation and reads its value: an empty key, and NaN
     * (also as {@code null}) and ±Infinity values, refused with {@code valueReason} and the value.
     */
    static void emptyKeyAndNonFiniteValues(EntryMix<Observation> cases, String valueReason) {
        cases.semantic("empty key", Map.of("key", "\"\""), "observation has an empty key");
        cases.semantic("NaN", Map.of("value", "NaN"), valueReason + "NaN");
        cases.semantic("null number", Map.of("value", "null"), valueReason + "NaN");
        cases.semantic("Infinity", Map.of("value", "Infinity"), valueReason + "Infinity");
        cases.semantic("Infinity", Map.of("value", "-Infinity"), valueReason + "-Infinity");
    }

    @Override
    List<Entry> entries(Input input, Format format, SplittableRandom random) {
        EntryMix<Observation> mix =
                new EntryMix<>(
                        RecordShape.OBSERVATION,
                        format,
                        id -> observation(id, "k" + random.nextInt(KEYS), goodValue(random)));
        for (int i = 0; i < GOOD; i++) {
            String id = "g" + i;
            mix.good(id, observation(id, "k" + i % KEYS, goodValue(random)));
        }
        semanticCases(mix);
        mix.undecodable(random);
        return mix.interleaved(random);
    }

    private Observation observation(String id, String key, double value) {
        return Observation.newBuilder()
                .setId(id)
                .setKey(key)
                .setTs(Instant.ofEpochMilli(nextTs++))
                .setValue(value)
                .setFeatures(features(id))
                .build();
    }
}
