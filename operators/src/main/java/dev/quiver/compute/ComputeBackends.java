package dev.quiver.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registry of compute backends: every {@link BackendProvider} that {@link ServiceLoader} finds
 * ({@code META-INF/services/dev.quiver.compute.BackendProvider}), grouped by name. {@link
 * #byName(String)} opens a backend for a name taken from a job option; {@code auto} picks one.
 *
 * <p><b>Capabilities and fallback.</b> A backend has the capabilities of every provider of its
 * name; each capability it lacks is taken from the {@code java} backend, whose providers offer all
 * three. So {@code nd4j-cpu} has its own distances and Java's walks and forests, and each
 * capability's {@code backend()} says which ("nd4j-cpu" for distances, "java" for walks).
 *
 * <p><b>Devices.</b> A backend on a GPU ({@link BackendProvider#runsOnDevice}, {@code cuda}) opens
 * device 0 or the one {@link #byName(String, int)} names, and has the {@code java} backend behind
 * each of its capabilities: a call that fails on the device is answered on the CPU and counted
 * ({@link ComputeBackend#fallbacks()}).
 *
 * <p><b>{@code auto}.</b> The backends in priority order (highest first: a GPU backend, then
 * {@code nd4j-cpu} at 200, then {@code java} at 100), the first whose providers' probes all pass.
 * The choice is made once per JVM and logged once, on one INFO line naming the backend, why it
 * passed and why each backend before it did not.
 *
 * <pre>{@code
 * try (ComputeBackend backend = ComputeBackends.byName("auto")) { // nd4j-cpu here
 *     BruteForceKnn knn = new BruteForceKnn(backend);
 *     // ... knn.knn(queries, count, k, points, out) per batch
 * }
 * ComputeBackends.byName("tpu");  // throws: unknown compute backend 'tpu'; known: cuda, ...
 * ComputeBackends.byName("cuda"); // without a GPU throws: compute backend cuda cannot run here
 * ComputeBackends.requireAvailable("auto"); // the chosen backend's probe: "ND4J natives for ..."
 * }</pre>
 */
public final class ComputeBackends {

    private static final Logger LOG = LoggerFactory.getLogger(ComputeBackends.class);

    /** The name that lets the registry choose: see the class comment. */
    public static final String AUTO = "auto";

    private static final List<BackendProvider> PROVIDERS = load();

    /**
     * Every backend name the providers found here offer, highest priority first; {@link
     * #byName(String)} also accepts {@link #AUTO}.
     */
    public static final List<String> NAMES = names(PROVIDERS);

    private static String autoChoice;

    private ComputeBackends() {}

    /** The {@code nd4j-cpu} backend: ND4J distances, Java walks and forests. */
    public static ComputeBackend cpu() {
        return byName(Nd4jCpuProvider.NAME);
    }

    /** The plain-Java reference backend, {@code java}: every capability, no native code. */
    public static ComputeBackend java() {
        return byName(PlainJavaProvider.NAME);
    }

    /** True when {@link #byName(String)} accepts {@code name}: {@code auto} or a provider's. */
    public static boolean accepts(String name) {
        return AUTO.equals(name) || NAMES.contains(name);
    }

    /**
     * Returns {@code name} if {@link #byName(String)} accepts it, for checking an option before
     * anything opens.
     *
     * @throws IllegalArgumentException naming the backends found here otherwise
     */
    public static String requireKnown(String name) {
        if (!accepts(name)) {
            throw unknown(name, NAMES);
        }
        return name;
    }

    /**
     * Checks that backend {@code name} can run in this JVM, for refusing an option before a job
     * that runs here starts: its providers' probes must pass ({@code auto}: the backend it chooses
     * here, logged as {@link #autoChoice()} logs it). Cheap, and loads no native code.
     *
     * @return the probe of the backend that would run, saying why it can
     * @throws IllegalArgumentException if the name is unknown, or the backend cannot run here; the
     *     message names it and the probe's reason
     */
    public static BackendProbe requireAvailable(String name) {
        requireKnown(name);
        return requireAvailable(AUTO.equals(name) ? autoChoice() : name, PROVIDERS);
    }

    /** As {@link #requireAvailable(String)} for backend {@code name} of {@code providers}. */
    static BackendProbe requireAvailable(String name, List<BackendProvider> providers) {
        List<BackendProvider> own = group(providers).get(name);
        if (own == null) {
            throw unknown(name, names(providers));
        }
        BackendProbe probe = probe(own);
        if (!probe.available()) {
            throw new IllegalArgumentException(
                    "compute backend '" + name + "' cannot run here: " + probe.reason());
        }
        return probe;
    }

    /**
     * The backend called {@code name}, or for {@code auto} the one chosen here.
     *
     * @throws IllegalArgumentException if no provider has that name; the message lists them
     */
    public static ComputeBackend byName(String name) {
        return byName(name, 0);
    }

    /**
     * {@link #byName(String)} on device {@code deviceIndex} (0 for the first), for backends on a
     * device; the others ignore it. A Flink function reads the index of the GPU Flink gave its
     * TaskManager ({@code dev.quiver.io.flink.GpuIndex}).
     *
     * @throws IllegalArgumentException if no provider has that name, or the index is negative
     */
    public static ComputeBackend byName(String name, int deviceIndex) {
        if (deviceIndex < 0) {
            throw new IllegalArgumentException(
                    "device index must not be negative, got " + deviceIndex);
        }
        String chosen = AUTO.equals(name) ? autoChoice() : name;
        return open(chosen, PROVIDERS, deviceIndex);
    }

    /** The backend {@code auto} stands for in this JVM, chosen (and logged) on first use. */
    public static synchronized String autoChoice() {
        if (autoChoice == null) {
            AutoChoice choice = chooseAuto(PROVIDERS);
            LOG.info(choice.logLine());
            autoChoice = choice.name();
        }
        return autoChoice;
    }

    /** What {@code auto} chose and the one log line that says why. */
    record AutoChoice(String name, String logLine) {}

    /** The first backend, by priority, whose providers' probes all pass. */
    static AutoChoice chooseAuto(List<BackendProvider> providers) {
        Map<String, List<BackendProvider>> byName = group(providers);
        List<String> passedOver = new ArrayList<>();
        for (String name : names(providers)) {
            BackendProbe probe = probe(byName.get(name));
            if (probe.available()) {
                String line = "compute backend auto chose " + name + ": " + probe.reason();
                if (!passedOver.isEmpty()) {
                    line += "; passed over " + String.join(", ", passedOver);
                }
                return new AutoChoice(name, line);
            }
            passedOver.add(name + " (" + probe.reason() + ")");
        }
        throw new IllegalStateException(
                "no compute backend can run here: " + String.join(", ", passedOver));
    }

    /** The first failing probe of a backend's providers, else its first provider's. */
    private static BackendProbe probe(List<BackendProvider> own) {
        BackendProbe first = null;
        for (BackendProvider provider : own) {
            BackendProbe probe = provider.probe();
            if (!probe.available()) {
                return probe;
            }
            first = first == null ? probe : first;
        }
        return first;
    }

    /** Opens backend {@code name} of {@code providers}, each missing capability from java's. */
    static ComputeBackend open(String name, List<BackendProvider> providers) {
        return open(name, providers, 0);
    }

    /**
     * Opens backend {@code name} of {@code providers} on device {@code deviceIndex}: each missing
     * capability from java's, and java's behind each capability of a provider on a device.
     */
    static ComputeBackend open(String name, List<BackendProvider> providers, int deviceIndex) {
        Map<String, List<BackendProvider>> byName = group(providers);
        List<BackendProvider> own = byName.get(name);
        if (own == null) {
            throw unknown(name, names(providers));
        }
        ComposedBackend backend = new ComposedBackend(name);
        try {
            ComputeBackend reference = null;
            for (BackendProvider provider : own) {
                if (!provider.runsOnDevice()) {
                    backend.add(provider.open(deviceIndex));
                    continue;
                }
                if (reference == null) {
                    reference = open(PlainJavaProvider.NAME, providers, 0);
                    backend.keep(reference);
                }
                backend.addOnDevice(provider.open(deviceIndex), reference);
            }
            if (reference != null) {
                backend.take(reference);
            }
            if (!backend.complete()) {
                for (BackendProvider provider :
                        byName.getOrDefault(PlainJavaProvider.NAME, List.of())) {
                    if (!backend.complete()) {
                        backend.addFallback(provider.open());
                    }
                }
            }
            backend.checkComplete();
            return backend;
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    private static IllegalArgumentException unknown(String name, List<String> known) {
        return new IllegalArgumentException(
                "unknown compute backend '" + name + "'; known: " + String.join(", ", known));
    }

    private static Map<String, List<BackendProvider>> group(List<BackendProvider> providers) {
        Map<String, List<BackendProvider>> byName = new LinkedHashMap<>();
        for (BackendProvider provider : providers) {
            byName.computeIfAbsent(provider.name(), n -> new ArrayList<>()).add(provider);
        }
        return byName;
    }

    /** The distinct names, highest priority first (a name's highest), ties by name. */
    static List<String> names(List<BackendProvider> providers) {
        Map<String, Integer> priority = new LinkedHashMap<>();
        for (BackendProvider provider : providers) {
            priority.merge(provider.name(), provider.priority(), Math::max);
        }
        List<String> names = new ArrayList<>(priority.keySet());
        names.sort(
                Comparator.comparing((String n) -> -priority.get(n))
                        .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(names);
    }

    private static List<BackendProvider> load() {
        List<BackendProvider> providers = new ArrayList<>();
        for (BackendProvider provider :
                ServiceLoader.load(BackendProvider.class, ComputeBackends.class.getClassLoader())) {
            providers.add(provider);
        }
        return List.copyOf(providers);
    }
}
