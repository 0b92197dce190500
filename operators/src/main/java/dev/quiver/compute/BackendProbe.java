package dev.quiver.compute;

import java.util.Objects;

/**
 * Whether a {@link BackendProvider} can run here, and why (or why not), in one line for the log and
 * for error messages.
 *
 * <pre>{@code
 * BackendProbe ok = BackendProbe.available("ND4J natives for linux-x86_64");
 * BackendProbe no = BackendProbe.unavailable("no CUDA driver (libcuda.so.1 not found)");
 * no.available(); // false
 * }</pre>
 *
 * @param available true when the backend can run here
 * @param reason what the probe found
 */
public record BackendProbe(boolean available, String reason) {

    /** Requires a reason. */
    public BackendProbe {
        Objects.requireNonNull(reason, "reason");
    }

    /** The backend can run here, because {@code reason}. */
    public static BackendProbe available(String reason) {
        return new BackendProbe(true, reason);
    }

    /** The backend cannot run here, because {@code reason}. */
    public static BackendProbe unavailable(String reason) {
        return new BackendProbe(false, reason);
    }
}
