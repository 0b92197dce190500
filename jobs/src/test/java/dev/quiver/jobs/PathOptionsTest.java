package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.StateRecoveryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The checks of the paths the shared job options name: they refuse what cannot be used as it is
 * parsed, create nothing, and leave another file system's URI to Flink.
 */
class PathOptionsTest {

    @Test
    void anOutputInDirectoriesStillToBeCreatedIsAcceptedAndNothingIsCreated(@TempDir Path dir)
            throws IOException {
        Path output = dir.resolve("runs/today/out.ndjson");
        Path checkpoints = dir.resolve("checkpoints/bayes");

        JobCommand<BayesStage> job =
                JobRegistry.BAYES.parse(
                        "--input",
                        Files.writeString(dir.resolve("obs.ndjson"), "").toString(),
                        "--output",
                        output.toString(),
                        "--checkpoint-dir",
                        checkpoints.toString());

        assertThat(job.io().output()).isEqualTo(output.toString());
        assertThat(job.io().checkpoints().checkpointDir()).isEqualTo(checkpoints.toString());
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries).containsExactly(dir.resolve("obs.ndjson"));
        }
    }

    @Test
    void aFileUriIsCheckedAsItsPathAndAnotherFileSystemsUriIsLeftToFlink(@TempDir Path dir)
            throws IOException {
        Path regularFile = Files.writeString(dir.resolve("not-a-directory"), "");

        assertThatThrownBy(
                        () ->
                                JobRegistry.BAYES.parse(
                                        "--bootstrap",
                                        "localhost:9092",
                                        "--checkpoint-dir",
                                        regularFile.toUri().toString()))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("--checkpoint-dir")
                .hasMessageContaining(regularFile + " is not a directory");
        assertThat(
                        JobRegistry.BAYES
                                .parse(
                                        "--bootstrap",
                                        "localhost:9092",
                                        "--checkpoint-dir",
                                        "s3://bucket/quiver/checkpoints",
                                        "--from-checkpoint",
                                        "s3://bucket/quiver/savepoints/savepoint-1")
                                .io()
                                .checkpoints()
                                .checkpointDir())
                .isEqualTo("s3://bucket/quiver/checkpoints");
    }

    @Test
    void aSavepointIsFoundByTheFileUriFlinkPrintsForIt(@TempDir Path dir) throws IOException {
        Path savepoint = Files.createDirectory(dir.resolve("savepoint-1"));
        // Flink names local savepoints "file:/path", with a single slash.
        String printed = "file:" + savepoint;

        JobCommand<BayesStage> job =
                JobRegistry.BAYES.parse(
                        "--bootstrap", "localhost:9092", "--from-checkpoint", printed);

        assertThat(job.io().checkpoints().fromCheckpoint()).isEqualTo(printed);
        assertThat(
                        job.pipelineIo()
                                .environment()
                                .getConfiguration()
                                .get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(savepoint.toUri().toString());
        assertThatThrownBy(
                        () ->
                                JobRegistry.BAYES.parse(
                                        "--bootstrap",
                                        "localhost:9092",
                                        "--from-checkpoint",
                                        "file:" + dir.resolve("savepoint-2")))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining(
                        "no checkpoint or savepoint at file:" + dir.resolve("savepoint-2"));
    }
}
