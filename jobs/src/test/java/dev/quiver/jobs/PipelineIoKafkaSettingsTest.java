package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

/**
 * The Kafka client settings and the network buffer timeout Quiver's jobs start from, and that the
 * user's settings win over every default while what Quiver relies on wins over the user.
 */
class PipelineIoKafkaSettingsTest {

    private static PipelineIo bayes(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--bootstrap";
        args[1] = "localhost:9092";
        System.arraycopy(extra, 0, args, 2, extra.length);
        return JobRegistry.BAYES.parse(args).pipelineIo();
    }

    @Test
    void sinksStartFromQuiversProducerDefaults() {
        Properties sink = bayes().sinkProperties();

        assertThat(sink)
                .containsEntry("linger.ms", KafkaClientDefaults.SINK.get("linger.ms"))
                .containsEntry("batch.size", KafkaClientDefaults.SINK.get("batch.size"))
                .containsEntry("transaction.timeout.ms", PipelineIo.TRANSACTION_TIMEOUT_MS)
                .containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(KafkaClientDefaults.SINK).isNotEmpty();
        KafkaClientDefaults.SINK.forEach((key, value) -> assertThat(sink).containsEntry(key, value));
    }

    @Test
    void sourcesStartFromQuiversConsumerDefaults() {
        Properties source = bayes().sourceProperties();

        assertThat(KafkaClientDefaults.SOURCE).isNotEmpty();
        KafkaClientDefaults.SOURCE.forEach(
                (key, value) -> assertThat(source).containsEntry(key, value));
        assertThat(source)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("bootstrap.servers", "localhost:9092");
    }

    @Test
    void theUsersSettingsWinOverEveryDefault() {
        PipelineIo io =
                bayes(
                        "--kafka-property", "linger.ms=0",
                        "--kafka-property", "batch.size=16384",
                        "--kafka-property", "max.poll.records=500",
                        "--kafka-property", "receive.buffer.bytes=65536");

        assertThat(io.sinkProperties())
                .containsEntry("linger.ms", "0")
                .containsEntry("batch.size", "16384");
        assertThat(io.sourceProperties())
                .containsEntry("max.poll.records", "500")
                .containsEntry("receive.buffer.bytes", "65536")
                .containsEntry("isolation.level", "read_committed");
    }

    @Test
    void jobsFlushNetworkBuffersAfterTenMilliseconds() {
        StreamExecutionEnvironment env = bayes().environment();

        assertThat(env.getConfiguration().get(ExecutionOptions.BUFFER_TIMEOUT))
                .isEqualTo(Duration.ofMillis(10));
        assertThat(env.getBufferTimeout()).isEqualTo(10);
    }

    @Test
    void aBufferTimeoutTheFlinkConfigurationSetsIsKept() {
        Configuration cluster = new Configuration();
        cluster.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(50));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(cluster);

        PipelineIo.flushNetworkBuffersSoon(env);

        assertThat(env.getBufferTimeout()).isEqualTo(50);
    }
}
