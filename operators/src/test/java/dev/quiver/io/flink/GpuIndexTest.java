package dev.quiver.io.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The GPU a subtask opens: Flink's gpu resources by index, round robin, else device 0. */
class GpuIndexTest {

    @Test
    void withoutGpuResourcesItIsDeviceZero() {
        assertThat(GpuIndex.choose(List.of(), 5)).isZero();
        assertThat(GpuIndex.choose(List.of(info(Map.of())), 3)).isZero();
    }

    @Test
    void subtasksTakeTheTaskManagersGpusInTurn() {
        List<ExternalResourceInfo> gpus =
                List.of(info(Map.of("index", "3")), info(Map.of("index", " 1")));
        assertThat(GpuIndex.choose(gpus, 0)).isEqualTo(1);
        assertThat(GpuIndex.choose(gpus, 1)).isEqualTo(3);
        assertThat(GpuIndex.choose(gpus, 2)).isEqualTo(1);
    }

    @Test
    void anIndexThatIsNotADeviceIndexIsAClearError() {
        assertThatThrownBy(() -> GpuIndex.choose(List.of(info(Map.of("index", "GPU-7f3a"))), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("external resource gpu has index 'GPU-7f3a', not a device index");
    }

    private static ExternalResourceInfo info(Map<String, String> properties) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(properties.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return Set.copyOf(properties.keySet());
            }
        };
    }
}
