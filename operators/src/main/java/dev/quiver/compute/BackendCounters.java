package dev.quiver.compute;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What a capability counts for the operator metrics: the calls it ran ({@link #batches}), those
 * it re-ran on the {@code java} backend after a device failure ({@link #fallbacks}), and the
 * device memory it holds. A capability that implements it is summed by {@link
 * ComputeBackend#fallbacks()} and its siblings; one that does not counts as zero.
 *
 * <pre>{@code
 * long fellBack = backend.fallbacks(); // 0 on a healthy device, and always on the CPU backends
 * }</pre>
 */
public interface BackendCounters {

    /** Capability calls (batches) run so far. */
    default long batches() {
        return 0;
    }

    /** Calls that failed on the device and were answered by the {@code java} backend instead. */
    default long fallbacks() {
        return 0;
    }

    /** Bytes of device memory held now (buffers, blocks, loaded forests); 0 off a device. */
    default long deviceMemoryBytes() {
        return 0;
    }

    /** {@code counter} summed over the distinct capabilities of {@code backend} that count. */
    static long sum(ComputeBackend backend, ToLongFunction<BackendCounters> counter) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long sum = 0;
        Object[] capabilities = {backend.distances(), backend.walks(), backend.forests()};
        for (Object capability : capabilities) {
            if (capability instanceof BackendCounters counted && seen.add(capability)) {
                sum += counter.applyAsLong(counted);
            }
        }
        return sum;
    }
}
