package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.io.Traced;
import dev.quiver.io.flink.TracedObservationType;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.VectorEvent;

import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registry and the commands it makes: names, stages, the generic main, and the checks that
 * run before anything starts. The families' graphs are {@link JobGraphsUnchangedTest}'s.
 *
 * <pre>{@code
 * ./mvnw -pl jobs -am test -Dtest=JobRegistryTest -Dsurefire.failIfNoSpecifiedTests=false
 * }</pre>
 */
class JobRegistryTest {

    @Test
    void familiesAreListedOnceInTheirHelpOrder() {
        assertThat(JobRegistry.names()).containsExactly("bayes", "match", "walk", "score");
        for (JobFamily<?> family : JobRegistry.all()) {
            assertThat(JobRegistry.named(family.name())).isSameAs(family);
            assertThat(family.commandLine().getCommandName()).isEqualTo(family.name());
        }
    }

    @Test
    void anUnknownFamilyNamesTheKnownOnes() {
        assertThatThrownBy(() -> JobRegistry.named("bayse"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown job 'bayse'; known: bayes, match, walk, score");
        assertThatThrownBy(() -> QuiverJob.main(new String[0]))
                .hasMessage(
                        "usage: QuiverJob JOB [OPTIONS...]; JOB is one of bayes, match, walk,"
                                + " score");
    }

    @Test
    void eachParseHasItsOwnStage() {
        JobCommand<WalkStage> fast = JobRegistry.WALK.parse("--steps", "10");
        JobCommand<WalkStage> slow = JobRegistry.WALK.parse();
        assertThat(fast.stage().steps).isEqualTo(10);
        assertThat(slow.stage().steps).isEqualTo(1000);
    }

    @Test
    void stageOptionsAreCheckedBeforeTheBrokerIsAsked() {
        // No broker listens on port 1: the stage's check must fail first, naming its option.
        JobCommand<BayesStage> job =
                JobRegistry.BAYES.parse("--bootstrap", "localhost:1", "--decay", "2");
        assertThatThrownBy(job::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--decay");
    }

    @Test
    void theGenericMainRunsAFamilyByName(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("obs.ndjson"), "not json\n");
        Path output = dir.resolve("walks.ndjson");
        QuiverJob.main(
                new String[] {"walk", "--input", input.toString(), "--output", output.toString()});
        assertThat(output).isRegularFile();
        assertThat(Files.readAllLines(Path.of(PipelineIo.deadLetterPath(output.toString()))))
                .hasSize(1);
    }

    @Test
    void aFailingMainThrowsSoThatAClusterSeesTheFailure() {
        assertThatThrownBy(() -> WalkJob.main(new String[] {"--steps", "x"}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("walk job failed, exit code " + CommandLine.ExitCode.USAGE);
    }

    @Test
    void theSharedDecodeKeepsTheTracedTypeOfATypeHint() {
        assertThat(StageContext.tracedType(VectorEvent.class))
                .isEqualTo(TypeInformation.of(new TypeHint<Traced<VectorEvent>>() {}));
        assertThat(StageContext.tracedType(QueryEvent.class))
                .isEqualTo(TypeInformation.of(new TypeHint<Traced<QueryEvent>>() {}));
        assertThat(StageContext.tracedType(ModelUpdate.class))
                .isEqualTo(TypeInformation.of(new TypeHint<Traced<ModelUpdate>>() {}));
    }

    @Test
    void decodedObservationsTravelWithTheirOwnSerializer() {
        assertThat(StageContext.tracedType(Observation.class))
                .isEqualTo(TracedObservationType.INSTANCE);
    }
}
