package dev.quiver.jobs;

import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordValidator;
import dev.quiver.io.Topics;
import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Where a stage that reads observations reads them, shared by the bayes, walk and score stages:
 * the observations topic, or an NDJSON file in file mode. The stage lists {@link #topic} in its
 * {@link Stage#topics()} and {@link #file} in its {@link Stage#files()}, which adds their options.
 *
 * <pre>{@code
 * quiver run bayes --observations-topic sensors.observations --bootstrap localhost:9092
 * quiver run walk --input obs.ndjson --output walks.ndjson
 * }</pre>
 */
public final class ObservationsInput {

    /** The observations file of file mode. */
    final FileOption file =
            FileOption.input(
                    "--input",
                    "Read observations from this NDJSON file instead of Kafka (bounded).");

    /** The observations topic. */
    final TopicOption topic = TopicOption.input("--observations-topic", Topics.OBSERVATIONS);

    /** The raw observations: the topic, or the file's lines in file mode. */
    DataStream<RawRecord> source(StageContext context) {
        return context.source(topic.topic(), file.file());
    }

    /**
     * Decoded observations from {@code raw}, the operator {@code uid}; invalid ones by {@code
     * validator} are its dead letters.
     */
    SingleOutputStreamOperator<Traced<Observation>> decode(
            StageContext context,
            DataStream<RawRecord> raw,
            RecordValidator<Observation> validator,
            String uid) {
        return context.decode(raw, Observation.class, validator, "decode observations", uid);
    }

    /**
     * Decoded observations chained to their source, in each key's order: a rebalance would
     * reorder each key's observations, and windows, scores and the walks' random streams (numbered
     * by arrival) depend on their order. A file has one reader, Kafka one per partition.
     */
    SingleOutputStreamOperator<Traced<Observation>> decodeInSourceOrder(
            StageContext context, RecordValidator<Observation> validator, String uid) {
        DataStream<RawRecord> raw = source(context);
        return decode(context, raw, validator, uid).setParallelism(raw.getParallelism());
    }
}
