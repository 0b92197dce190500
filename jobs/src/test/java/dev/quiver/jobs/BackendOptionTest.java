package dev.quiver.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@code --backend} of the jobs that compute through a compute backend: each stage's default, the
 * pipeline handing the option to match, walk and score (bayes takes none), and its checks: an
 * unknown name always, a known backend that cannot run here (the test-only {@link
 * UnavailableBackendProvider}) only when the job runs in this JVM, since on a cluster the job main
 * runs where the operators do not.
 */
class BackendOptionTest {

    @Test
    void matchDefaultsToNd4jWalkAndScoreToJavaAndBayesTakesNone() {
        assertThat(JobRegistry.MATCH.parse().stage().backend.name()).isEqualTo("nd4j-cpu");
        assertThat(JobRegistry.WALK.parse().stage().backend.name()).isEqualTo("java");
        assertThat(JobRegistry.SCORE.parse().stage().backend.name()).isEqualTo("java");
        assertThat(JobRegistry.WALK.parse("--backend", "auto").stage().backend.name())
                .isEqualTo("auto");
        assertThat(JobDocsTest.longOptionNames(JobRegistry.BAYES)).doesNotContain("--backend");
        assertThat(JobRegistry.WALK.commandLine().getUsageMessage())
                .contains("--backend=NAME")
                .contains("(default: java)");
    }

    @Test
    void thePipelineGivesItsBackendToEveryStageThatComputesThroughOne() {
        PipelineJob.Stages given =
                PipelineJob.Stages.parse(
                        "--bootstrap", "localhost:9092", "--score-model-id", "m", "--backend",
                        "auto");
        assertThat(given.match().stage().backend.name()).isEqualTo("auto");
        assertThat(given.walk().stage().backend.name()).isEqualTo("auto");
        assertThat(given.score().stage().backend.name()).isEqualTo("auto");
        PipelineJob.Stages defaults =
                PipelineJob.Stages.parse("--bootstrap", "localhost:9092", "--score-model-id", "m");
        assertThat(defaults.match().stage().backend.name()).isEqualTo("nd4j-cpu");
        assertThat(defaults.walk().stage().backend.name()).isEqualTo("java");
        assertThat(defaults.score().stage().backend.name()).isEqualTo("java");
    }

    @Test
    void thePipelineRefusesABackendThatCannotRunHereBeforeItConnects() {
        // No broker listens on port 1: the backend is refused before the pipeline connects.
        assertThatThrownBy(
                        () ->
                                PipelineJob.build(
                                        "--bootstrap", "localhost:1", "--backend", "unavailable"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--backend: compute backend 'unavailable' cannot run here: "
                                + UnavailableBackendProvider.REASON);
    }

    @Test
    void autoAndTheCpuBackendsRunHere() {
        for (String name : new String[] {"auto", "java", "nd4j-cpu"}) {
            new BackendOption(name).check();
        }
    }

    @Test
    void anUnknownNameIsRefusedEverywhere() {
        assertThatThrownBy(() -> new BackendOption("tpu").check())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--backend: unknown compute backend 'tpu'; known: ")
                .hasMessageContaining(UnavailableBackendProvider.NAME);
        OnACluster.run(
                () ->
                        assertThatThrownBy(() -> new BackendOption("tpu").check())
                                .hasMessageStartingWith("--backend: unknown compute backend"));
    }

    @Test
    void aBackendThatCannotRunHereIsLeftToTheOperatorsOnACluster() {
        assertThatThrownBy(() -> new BackendOption(UnavailableBackendProvider.NAME).check())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "--backend: compute backend 'unavailable' cannot run here: "
                                + UnavailableBackendProvider.REASON);
        OnACluster.run(() -> new BackendOption(UnavailableBackendProvider.NAME).check());
    }
}
