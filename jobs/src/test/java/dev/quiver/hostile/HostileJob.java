package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A job under hostile input: its inputs, its options, the records it is fed in each format (good
 * ones, hostile ones, interleaved) and the oracle its results must equal. One instance serves one
 * run: it keeps what its oracle needs of the records it made.
 */
abstract class HostileJob {

    /** How records reach a job. */
    enum Format {
        /** File mode: one record per line of an NDJSON file. */
        NDJSON,
        /** Kafka mode: Avro single-object encoding, one record per Kafka record. */
        AVRO
    }

    /**
     * One input of the job.
     *
     * @param name short name, for topics and files
     * @param fileOption the option naming its file in file mode
     * @param topicOption the option naming its topic in Kafka mode
     * @param shape its record type
     */
    record Input(String name, String fileOption, String topicOption, RecordShape<?> shape) {}

    /** The {@code --max-record-bytes} of every hostile run: oversize records straddle it. */
    static final int MAX_RECORD_BYTES = 300_000;

    private final String name;
    private final String resultTopicOption;
    private final Class<? extends SpecificRecord> resultType;
    private final String resultIdField;

    /**
     * @param name {@code quiver run NAME}
     * @param resultTopicOption the option naming the result topic in Kafka mode
     * @param resultType the result record type
     * @param resultIdField the field of a result that holds the id of the record it answers
     */
    HostileJob(
            String name,
            String resultTopicOption,
            Class<? extends SpecificRecord> resultType,
            String resultIdField) {
        this.name = name;
        this.resultTopicOption = resultTopicOption;
        this.resultType = resultType;
        this.resultIdField = resultIdField;
    }

    final String name() {
        return name;
    }

    final String resultTopicOption() {
        return resultTopicOption;
    }

    final Class<? extends SpecificRecord> resultType() {
        return resultType;
    }

    /** The id of the input record a result answers. */
    final String resultId(SpecificRecord result) {
        Object id = ((GenericRecord) result).get(resultIdField);
        return id == null ? null : id.toString();
    }

    abstract List<Input> inputs();

    /** Options of further topics the job reads or writes in Kafka mode. */
    List<String> otherTopicOptions() {
        return List.of();
    }

    /** The job's own options, beside the inputs, outputs and the shared ones. */
    abstract List<String> options();

    /** The records for {@code input} in {@code format}, in the order they are sent. */
    abstract List<Entry> entries(Input input, Format format, SplittableRandom random);

    /**
     * Checks {@code results} against the oracle: exactly one per entry expecting a result, with the
     * exact value, and no other.
     *
     * @param sent every input's entries in the order sent, inputs in {@link #inputs()} order
     */
    abstract void checkResults(List<List<Entry>> sent, List<SpecificRecord> results);

    /** The results by the id they answer; fails on a second result for one id. */
    @SuppressWarnings("unchecked")
    final <R extends SpecificRecord> Map<String, R> uniqueById(List<SpecificRecord> results) {
        Map<String, R> byId = new HashMap<>();
        for (SpecificRecord result : results) {
            assertThat(byId.put(resultId(result), (R) result))
                    .as("a second result for %s", resultId(result))
                    .isNull();
        }
        return byId;
    }
}
