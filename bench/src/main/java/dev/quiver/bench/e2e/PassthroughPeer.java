package dev.quiver.bench.e2e;

import dev.quiver.schema.Observation;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The peer of Quiver's jobs in the end-to-end benchmark ({@code bench/run-e2e.sh}): the least a
 * Flink job over Kafka does, built as Quiver's jobs are ({@code dev.quiver.jobs.PipelineIo}) with
 * the same Flink and connector versions: a read_committed Kafka source starting from the group's
 * committed offsets (earliest without), bounded by the offsets at start with {@code
 * --until-latest}, {@code keyBy} on the record key, and an exactly-once {@link KafkaSink} with
 * checkpoints every {@code --checkpoint-interval-ms}. {@code --mode bytes} passes key and value
 * bytes through; {@code --mode avro} also decodes each value as an Avro single-object {@link
 * Observation} and encodes it again, the least a job that reads its records does.
 *
 * <p>The peer is the baseline of a plain Flink job: its Kafka clients run with Kafka's and the
 * connector's defaults, not with the settings Quiver's jobs choose ({@code PipelineIo}). Repeatable
 * {@code --kafka-property KEY=VALUE} sets a client property of both its source and its sink (a
 * consumer ignores a producer's keys and the other way round, with a warning), so that a candidate
 * setting can be measured on the peer too; {@code isolation.level} and {@code
 * transaction.timeout.ms} stay the peer's own.
 *
 * <pre>{@code
 * java -cp ... dev.quiver.bench.e2e.PassthroughPeer --bootstrap localhost:9092 \
 *     --input quiver.observations --output bench.passthrough --group-id peer --mode avro \
 *     --parallelism 2 --until-latest
 * }</pre>
 */
public final class PassthroughPeer {

    /** As {@code PipelineIo}: above a checkpoint, below the broker's transaction.max.timeout.ms. */
    private static final String TRANSACTION_TIMEOUT_MS = String.valueOf(10 * 60 * 1000);

    private static final TypeInformation<Tuple2<byte[], byte[]>> KEYED_BYTES =
            TypeInformation.of(new TypeHint<>() {});

    private PassthroughPeer() {}

    /** Runs the peer to its end (bounded) or until cancelled. */
    public static void main(String[] args) throws Exception {
        PeerArguments arguments =
                PeerArguments.parse(
                        args,
                        Set.of("--bootstrap", "--input", "--output", "--group-id", "--mode",
                                "--parallelism", "--checkpoint-interval-ms", "--kafka-property"),
                        Set.of("--until-latest"));
        String mode = arguments.get("--mode", "bytes");
        if (!mode.equals("bytes") && !mode.equals("avro")) {
            throw new IllegalArgumentException("--mode is bytes or avro, got " + mode);
        }
        String bootstrap = arguments.required("--bootstrap");
        String output = arguments.required("--output");
        String groupId = arguments.required("--group-id");

        Configuration config = new Configuration();
        config.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                Duration.ofMillis(arguments.getLong("--checkpoint-interval-ms", 2000)));
        config.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism((int) arguments.getLong("--parallelism", 2));

        Properties consumer = clientProperties(arguments.all("--kafka-property"));
        consumer.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaSourceBuilder<Tuple2<byte[], byte[]>> source =
                KafkaSource.<Tuple2<byte[], byte[]>>builder()
                        .setBootstrapServers(bootstrap)
                        .setProperties(consumer)
                        .setTopics(arguments.required("--input"))
                        .setGroupId(groupId)
                        .setDeserializer(new KeyedBytesDeserializer())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        if (arguments.flag("--until-latest")) {
            source.setBounded(OffsetsInitializer.latest());
        }
        DataStream<Tuple2<byte[], byte[]>> records =
                env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "kafka in");
        DataStream<Tuple2<byte[], byte[]>> keyed =
                records.keyBy(record -> new String(record.f0, StandardCharsets.UTF_8))
                        .map(mode.equals("avro") ? new AvroRoundTrip() : record -> record)
                        .returns(KEYED_BYTES);

        Properties producer = clientProperties(arguments.all("--kafka-property"));
        producer.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        keyed.sinkTo(
                KafkaSink.<Tuple2<byte[], byte[]>>builder()
                        .setBootstrapServers(bootstrap)
                        .setKafkaProducerConfig(producer)
                        .setRecordSerializer(new KeyedBytesSerializer(output))
                        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                        .setTransactionalIdPrefix(groupId + "-" + output)
                        .build());
        env.execute("passthrough peer (" + mode + ")");
    }

    /** The {@code KEY=VALUE} pairs as client properties. */
    static Properties clientProperties(List<String> pairs) {
        Properties properties = new Properties();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException(
                        "--kafka-property takes KEY=VALUE, got " + pair);
            }
            properties.setProperty(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return properties;
    }

    /** A record's key and value bytes; a missing key is empty. */
    private static final class KeyedBytesDeserializer
            implements KafkaRecordDeserializationSchema<Tuple2<byte[], byte[]>> {
        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<Tuple2<byte[], byte[]>> out) {
            byte[] key = record.key() == null ? new byte[0] : record.key();
            out.collect(Tuple2.of(key, record.value()));
        }

        @Override
        public TypeInformation<Tuple2<byte[], byte[]>> getProducedType() {
            return KEYED_BYTES;
        }
    }

    /** Decodes the value as an Avro single-object Observation and encodes it again. */
    private static final class AvroRoundTrip
            implements MapFunction<Tuple2<byte[], byte[]>, Tuple2<byte[], byte[]>> {
        @Override
        public Tuple2<byte[], byte[]> map(Tuple2<byte[], byte[]> record) throws IOException {
            Observation observation = Observation.getDecoder().decode(record.f1);
            return Tuple2.of(record.f0, Observation.getEncoder().encode(observation).array());
        }
    }

    private static final class KeyedBytesSerializer
            implements KafkaRecordSerializationSchema<Tuple2<byte[], byte[]>> {
        private final String topic;

        KeyedBytesSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(
                Tuple2<byte[], byte[]> record, KafkaSinkContext context, Long timestamp) {
            // No timestamp, as Quiver's AvroKafkaSerializer: the producer stamps the time it sends.
            return new ProducerRecord<>(topic, null, null, record.f0, record.f1);
        }
    }
}
