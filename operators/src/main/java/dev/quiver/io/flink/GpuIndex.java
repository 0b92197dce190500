package dev.quiver.io.flink;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The GPU a Flink function's compute backend opens: the {@code index} property of the {@code gpu}
 * external resources Flink gave this TaskManager ({@code external-resources: gpu} with the GPU
 * driver plugin, see docs/gpu.md), spread over the subtasks when it has several; 0 where Flink
 * gives none (a MiniCluster, a TaskManager without the plugin).
 *
 * <pre>{@code
 * backend = ComputeBackends.byName(backendName, GpuIndex.of(getRuntimeContext()));
 * }</pre>
 */
public final class GpuIndex {

    /** The external resource name of GPUs in Flink's configuration. */
    public static final String RESOURCE = "gpu";

    /** The property of a GPU resource that holds its device index. */
    public static final String INDEX_PROPERTY = "index";

    private GpuIndex() {}

    /** The device index for the calling subtask. */
    public static int of(RuntimeContext context) {
        return choose(
                context.getExternalResourceInfos(RESOURCE),
                context.getTaskInfo().getIndexOfThisSubtask());
    }

    /**
     * Of the GPUs {@code infos} (indexes ascending), the one subtask {@code subtask} takes, round
     * robin; 0 when there is none.
     *
     * @throws IllegalArgumentException if an index property is not a non-negative integer
     */
    static int choose(Collection<ExternalResourceInfo> infos, int subtask) {
        List<Integer> indexes = new ArrayList<>();
        for (ExternalResourceInfo info : infos) {
            Optional<String> index = info.getProperty(INDEX_PROPERTY);
            if (index.isPresent()) {
                indexes.add(parse(index.get()));
            }
        }
        if (indexes.isEmpty()) {
            return 0;
        }
        indexes.sort(null);
        return indexes.get(Math.floorMod(subtask, indexes.size()));
    }

    private static int parse(String index) {
        try {
            int value = Integer.parseInt(index.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the value.
        }
        throw new IllegalArgumentException(
                "external resource " + RESOURCE + " has index '" + index + "', not a device index");
    }
}
