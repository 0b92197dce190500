package dev.quiver.jobs;

import dev.quiver.io.RawRecord;
import dev.quiver.io.RecordFormat;
import dev.quiver.io.flink.AvroKafkaSerializer;
import dev.quiver.io.flink.JsonKafkaSerializer;
import dev.quiver.io.flink.KafkaRawRecordDeserializer;
import dev.quiver.io.flink.NdjsonFileSink;
import dev.quiver.io.flink.NumberedLineFormat;
import dev.quiver.schema.DeadLetter;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the sources, sinks and environment of a job from its {@link JobIoOptions}: Kafka topics
 * with exactly-once sinks (values in Avro or JSON, {@link ValueFormatOptions}), or NDJSON files.
 * Every job goes through here, so local runs, cluster runs and file backfills share one shape:
 * sources, decode, operator, encode, sinks.
 *
 * <pre>{@code
 * PipelineIo io = new PipelineIo("bayes", options);
 * StreamExecutionEnvironment env = io.environment();
 * DataStream<RawRecord> raw = io.source(env, Topics.OBSERVATIONS);
 * }</pre>
 */
public final class PipelineIo {

    /**
     * Flink's transactions must outlive a checkpoint but stay below the broker's
     * transaction.max.timeout.ms (15 minutes by default), or the producer is refused.
     */
    static final String TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    /**
     * How long a record may wait in a partly filled network buffer before it is sent to the next
     * task (Flink's {@code execution.buffer-timeout.interval}, 100 ms by default). Under load the
     * buffers fill long before it; at a moderate rate Flink's 100 ms is most of a result's latency
     * in a job with a keyed exchange (docs/benchmarks.md), while 10 ms costs no measurable
     * throughput. A Flink configuration that sets the option itself keeps its value.
     */
    static final Duration NETWORK_BUFFER_TIMEOUT = Duration.ofMillis(10);

    private final String job;
    private final JobIoOptions options;

    /**
     * @param job the job's name, used for the consumer group and transactional ids
     * @param options where to read and write
     * @param fileInputs the job's file inputs by option name, null where not given (Kafka mode)
     */
    public PipelineIo(String job, JobIoOptions options, Map<String, Path> fileInputs) {
        options.check(fileInputs);
        this.job = job;
        this.options = options;
    }

    /** The format of the raw input: on Kafka as {@code --input-format} says, NDJSON in files. */
    public RecordFormat format() {
        return options.usesKafka()
                ? options.valueFormats().input().recordFormat()
                : RecordFormat.NDJSON;
    }

    /**
     * The format of a control input (the score job's models): Avro on Kafka whatever the value
     * format of the job's other topics, NDJSON in files.
     */
    public RecordFormat controlFormat() {
        return options.usesKafka() ? RecordFormat.AVRO : RecordFormat.NDJSON;
    }

    /** The job's options. */
    public JobIoOptions options() {
        return options;
    }

    /**
     * An environment configured for this job: exactly-once checkpoints with Kafka (retained on
     * cancellation when a directory is given), none for bounded file runs, whose failure reruns
     * them from the start. A Kafka run in this JVM checkpoints to a temporary directory when none
     * is given ({@link TemporaryCheckpoints}) and gives up after a bounded number of restarts in a
     * row ({@link EmbeddedRestarts}); on a cluster, the cluster's configuration decides both.
     */
    public StreamExecutionEnvironment environment() {
        Configuration config = new Configuration();
        CheckpointOptions checkpoints = options.checkpoints();
        TemporaryCheckpoints temporary = null;
        if (options.usesKafka()) {
            config.set(
                    CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpoints.checkpointInterval());
            config.set(
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    CheckpointingMode.EXACTLY_ONCE);
            boolean inThisJvm = LocalExecution.runsInThisJvm();
            if (checkpoints.checkpointDir() != null) {
                config.set(
                        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                        toUri(checkpoints.checkpointDir()));
                config.set(
                        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
            } else if (inThisJvm) {
                // Not the JobManager's memory, Flink's default, which refuses a state over 5 MB.
                temporary = TemporaryCheckpoints.create(job);
                config.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
                config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, temporary.uri());
            }
            if (inThisJvm) {
                EmbeddedRestarts.configure(config);
            }
        }
        // Every record and state type has a specific serializer (POJO, Avro or a Quiver one);
        // a type that would fall back to Kryo fails the job's build instead of running slowly.
        config.set(PipelineOptions.GENERIC_TYPES, false);
        // Chained operators hand records on without a defensive deep copy (for an Avro record,
        // GenericData.deepCopy of every field). Safe because no function mutates a record it
        // received or emitted: every result is built fresh (docs/contributing.md).
        config.set(PipelineOptions.OBJECT_REUSE, true);
        config.set(StateBackendOptions.STATE_BACKEND, checkpoints.stateBackend());
        if (checkpoints.stateBackend().equals("rocksdb")) {
            // Only the files changed since the last checkpoint are uploaded.
            config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        if (checkpoints.fromCheckpoint() != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, toUri(checkpoints.fromCheckpoint()));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        if (temporary != null) {
            env.registerJobListener(temporary);
        }
        flushNetworkBuffersSoon(env);
        if (options.parallelism() != null) {
            env.setParallelism(options.parallelism());
        }
        return env;
    }

    /**
     * Sets {@link #NETWORK_BUFFER_TIMEOUT} on {@code env} unless its configuration (a cluster's
     * {@code config.yaml}, which a job submitted there inherits) already sets the buffer timeout.
     */
    static void flushNetworkBuffersSoon(StreamExecutionEnvironment env) {
        if (env.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            env.setBufferTimeout(NETWORK_BUFFER_TIMEOUT.toMillis());
        }
    }

    /** The raw records of one input: a Kafka topic, or the lines of {@code file} in file mode. */
    public DataStream<RawRecord> source(StreamExecutionEnvironment env, String topic, Path file) {
        return source(
                env, topic, file, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
    }

    /**
     * The raw records of a control input, whose whole content configures the job (the score job's
     * models): as {@link #source}, except that a fresh start reads the topic from its beginning,
     * not from the consumer group's committed offsets, so what the job uses does not depend on how
     * far an earlier run got. A restore resumes from the checkpoint's offsets, as every source
     * does.
     */
    public DataStream<RawRecord> controlSource(
            StreamExecutionEnvironment env, String topic, Path file) {
        return source(env, topic, file, OffsetsInitializer.earliest());
    }

    private DataStream<RawRecord> source(
            StreamExecutionEnvironment env, String topic, Path file, OffsetsInitializer start) {
        if (!options.usesKafka()) {
            String path = file.toString();
            FileSource<RawRecord> files =
                    FileSource.forRecordStreamFormat(
                                    new NumberedLineFormat(path),
                                    new org.apache.flink.core.fs.Path(
                                            file.toAbsolutePath().toUri()))
                            .build();
            return env.fromSource(files, WatermarkStrategy.noWatermarks(), "file " + path)
                    .uid(sourceUid(topic))
                    .setParallelism(1);
        }
        KafkaSourceBuilder<RawRecord> builder =
                KafkaSource.<RawRecord>builder()
                        .setProperties(sourceProperties())
                        .setTopics(topic)
                        .setGroupId(options.groupId(job))
                        .setDeserializer(new KafkaRawRecordDeserializer())
                        .setStartingOffsets(start);
        if (options.untilLatest()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return env.fromSource(builder.build(), WatermarkStrategy.noWatermarks(), "kafka " + topic)
                .uid(sourceUid(topic));
    }

    /**
     * The uid of this job's source of {@code topic}: a savepoint maps its state (the Kafka offsets)
     * back by uid, which, unlike a generated id, survives changes of parallelism and chaining. The
     * job name keeps apart the stages of a pipeline that read the same topic (bayes and score).
     */
    String sourceUid(String topic) {
        return job + "-source-" + topic;
    }

    /** The uid of this job's sink to {@code topic} (its open transactions are state). */
    String sinkUid(String topic) {
        return job + "-sink-" + topic;
    }

    /** Writes results to a Kafka topic exactly once, or to the NDJSON output. */
    public <T extends SpecificRecord> void sink(
            DataStream<T> results,
            Class<T> type,
            String topic,
            SerializableFunction<T, String> keyOf) {
        if (options.usesKafka()) {
            results.sinkTo(kafkaSink(type, topic, keyOf, options.groupId(job) + "-" + topic))
                    .name("kafka " + topic)
                    .uid(sinkUid(topic));
        } else {
            fileSink(results, type, options.output()).uid(sinkUid(topic));
        }
    }

    /** Writes dead letters to the dead-letter topic, or beside the output as PATH.deadletter. */
    public void deadLetterSink(DataStream<DeadLetter> deadLetters) {
        if (options.usesKafka()) {
            deadLetters
                    .sinkTo(
                            kafkaSink(
                                    DeadLetter.class,
                                    options.deadLetterTopic(),
                                    DeadLetter::getSource,
                                    // Every stage of a pipeline writes dead letters to the same
                                    // topic, with the same group id: the job name keeps their
                                    // transactional ids (and the sinks' co-location) apart.
                                    options.groupId(job)
                                            + "-"
                                            + job
                                            + "-"
                                            + options.deadLetterTopic()))
                    .name("kafka " + options.deadLetterTopic())
                    .uid(sinkUid(options.deadLetterTopic()));
        } else {
            fileSink(deadLetters, DeadLetter.class, deadLetterPath(options.output()))
                    .uid(sinkUid(options.deadLetterTopic()));
        }
    }

    /** Where file runs put dead letters for a given output path. */
    public static String deadLetterPath(String output) {
        return output.endsWith("/")
                ? output.substring(0, output.length() - 1) + ".deadletter/"
                : output + ".deadletter";
    }

    private <T extends SpecificRecord> DataStreamSink<T> fileSink(
            DataStream<T> stream, Class<T> type, String path) {
        if (options.outputIsDirectory()) {
            return stream.sinkTo(NdjsonFileSink.toDirectory(type, path)).name("files " + path);
        }
        return stream.sinkTo(NdjsonFileSink.toFile(type, path))
                .name("file " + path)
                .setParallelism(1);
    }

    private <T extends SpecificRecord> KafkaSink<T> kafkaSink(
            Class<T> type,
            String topic,
            SerializableFunction<T, String> keyOf,
            String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(sinkProperties())
                .setRecordSerializer(
                        options.valueFormats().output() == ValueFormatOptions.Format.json
                                ? new JsonKafkaSerializer<>(type, topic, keyOf)
                                : new AvroKafkaSerializer<>(type, topic, keyOf))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * The properties of a Kafka source: Quiver's consumer defaults ({@link
     * KafkaClientDefaults#SOURCE}), the user's client settings over them, then what Quiver relies
     * on: upstream producers may be transactional, and their aborted records are never read.
     */
    Properties sourceProperties() {
        return clientProperties(
                KafkaClientDefaults.SOURCE,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }

    /**
     * The properties of an exactly-once sink: Quiver's producer defaults ({@link
     * KafkaClientDefaults#SINK}), the user's client settings over them, then the transaction
     * timeout Quiver relies on.
     */
    Properties sinkProperties() {
        return clientProperties(
                KafkaClientDefaults.SINK,
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS));
    }

    /**
     * {@code defaults}, the user's client settings, then the bootstrap servers and {@code
     * required}. The user's values travel in the job graph as given, so a config-provider
     * reference is resolved by each client where it runs.
     */
    private Properties clientProperties(
            Map<String, String> defaults, Map<String, String> required) {
        return options.clientConfig().clientProperties(options.bootstrap(), defaults, required);
    }

    /** A checkpoint option's value as Flink takes it: a URI, local paths made absolute. */
    private static String toUri(String pathOrUri) {
        Path local = CheckpointOptions.localPath(pathOrUri);
        return local == null ? pathOrUri : local.toAbsolutePath().toUri().toString();
    }
}
