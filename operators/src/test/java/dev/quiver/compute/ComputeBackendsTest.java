package dev.quiver.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.compute.cuda.CudaProvider;

import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * The registry: providers found by ServiceLoader, one backend per name with every capability (the
 * missing ones from java, and saying so), and auto's choice by priority and probe.
 */
class ComputeBackendsTest {

    @Test
    void theServiceFileRegistersEveryProviderInPriorityOrder() {
        assertThat(ComputeBackends.NAMES).containsExactly("cuda", "nd4j-cpu", "java");
        assertThat(ComputeBackends.accepts("auto")).isTrue();
        assertThat(ComputeBackends.accepts("tpu")).isFalse();
    }

    @Test
    void aBackendWithoutACapabilityTakesJavasAndNamesIt() {
        try (ComputeBackend cpu = ComputeBackends.byName("nd4j-cpu")) {
            assertThat(cpu.name()).isEqualTo("nd4j-cpu");
            assertThat(cpu.distances().backend()).isEqualTo("nd4j-cpu");
            assertThat(cpu.walks().backend()).isEqualTo("java");
            assertThat(cpu.forests().backend()).isEqualTo("java");
        }
        try (ComputeBackend java = ComputeBackends.byName("java")) {
            assertThat(java.distances().backend()).isEqualTo("java");
            assertThat(java.walks().backend()).isEqualTo("java");
            assertThat(java.forests().backend()).isEqualTo("java");
        }
    }

    @Test
    void autoIsTheFirstBackendByPriorityWhoseProbePasses() {
        List<BackendProvider> providers =
                List.of(
                        fake("java", 100, true, "plain Java"),
                        fake("gpu", 300, false, "no device"),
                        fake("fast", 200, true, "fast library found"));
        ComputeBackends.AutoChoice choice = ComputeBackends.chooseAuto(providers);
        assertThat(choice.name()).isEqualTo("fast");
        assertThat(choice.logLine())
                .isEqualTo(
                        "compute backend auto chose fast: fast library found; passed over gpu"
                                + " (no device)");
        assertThat(ComputeBackends.names(providers)).containsExactly("gpu", "fast", "java");
    }

    @Test
    void autoHereIsCudaOrNd4jWhereTheirProbesPassElseJava() {
        String expected =
                new CudaProvider().probe().available()
                        ? "cuda"
                        : new Nd4jCpuProvider().probe().available() ? "nd4j-cpu" : "java";
        assertThat(ComputeBackends.autoChoice()).isEqualTo(expected);
        try (ComputeBackend auto = ComputeBackends.byName("auto")) {
            assertThat(auto.name()).isEqualTo(expected);
        }
    }

    @Test
    void capabilitiesComeFromEveryProviderOfANameThenFromJava() {
        List<BackendProvider> providers =
                List.of(
                        fake("fast", 200, true, "found"),
                        new JavaDistancesProvider(),
                        partial("java", new JavaDistances(), null, null),
                        partial("java", null, null, null));
        assertThatThrownBy(() -> ComputeBackends.open("fast", providers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "compute backend fast lacks [walks, forests] and no java provider on the"
                                + " classpath offers them");
        try (ComputeBackend java = ComputeBackends.byName("java")) {
            List<BackendProvider> withWalks =
                    List.of(
                            partial("fast", new JavaDistances(), null, null),
                            partial("java", null, java.walks(), null),
                            partial("java", null, null, java.forests()));
            ComputeBackend fast = ComputeBackends.open("fast", withWalks);
            assertThat(fast.distances()).isNotNull();
            assertThat(fast.walks()).isSameAs(java.walks());
            assertThat(fast.forests()).isSameAs(java.forests());
        }
        assertThatThrownBy(() -> ComputeBackends.open("cuda", providers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown compute backend 'cuda'; known: fast, java");
    }

    @Test
    void noRunnableBackendIsAnErrorNamingEachReason() {
        assertThatThrownBy(
                        () ->
                                ComputeBackends.chooseAuto(
                                        List.of(fake("gpu", 300, false, "no device"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no compute backend can run here: gpu (no device)");
    }

    @Test
    void aBackendThatCannotRunHereIsRefusedWithItsProbesReason() {
        List<BackendProvider> providers =
                List.of(
                        fake("java", 100, true, "plain Java"),
                        fake("gpu", 300, false, "no device"),
                        partial("gpu", null, null, null));
        assertThatThrownBy(() -> ComputeBackends.requireAvailable("gpu", providers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compute backend 'gpu' cannot run here: no device");
        assertThat(ComputeBackends.requireAvailable("java", providers).reason())
                .isEqualTo("plain Java");
        assertThatThrownBy(() -> ComputeBackends.requireAvailable("tpu", providers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown compute backend 'tpu'; known: gpu, java");
    }

    @Test
    void javaAndAutoCanRunHereAndAnUnknownNameIsRefused() {
        assertThat(ComputeBackends.requireAvailable("java").available()).isTrue();
        assertThat(ComputeBackends.requireAvailable("auto").available()).isTrue();
        assertThatThrownBy(() -> ComputeBackends.requireAvailable("tpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown compute backend 'tpu'; known: ");
    }

    private static BackendProvider fake(String name, int priority, boolean runs, String why) {
        BackendProbe probe = runs ? BackendProbe.available(why) : BackendProbe.unavailable(why);
        return provider(name, priority, probe, null, null, null);
    }

    private static BackendProvider partial(
            String name, DistanceKernel distances, WalkKernel walks, ForestKernel forests) {
        return provider(name, 100, BackendProbe.available("test"), distances, walks, forests);
    }

    private static BackendProvider provider(
            String name,
            int priority,
            BackendProbe probe,
            DistanceKernel distances,
            WalkKernel walks,
            ForestKernel forests) {
        return new BackendProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int priority() {
                return priority;
            }

            @Override
            public BackendProbe probe() {
                return probe;
            }

            @Override
            public ComputeBackend open() {
                return ComputeBackend.partial(name, distances, walks, forests);
            }
        };
    }
}
