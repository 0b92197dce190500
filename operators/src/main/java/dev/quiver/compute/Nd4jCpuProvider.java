package dev.quiver.compute;

import java.util.Locale;

/**
 * The {@code nd4j-cpu} backend: distances by ND4J's GEMM over OpenBLAS ({@link Nd4jCpuDistances});
 * it has no walks or forests of its own, so those come from {@code java}. This class names no ND4J
 * type: the probe only looks for ND4J's classes and the platform its bundled natives are built for,
 * and ND4J loads when {@link #open()} runs.
 *
 * <pre>{@code
 * BackendProbe probe = new Nd4jCpuProvider().probe();
 * // on linux-x86_64 with nd4j-native on the classpath: available
 * }</pre>
 */
public final class Nd4jCpuProvider extends NamedProvider {

    /** The name of the ND4J CPU backend. */
    public static final String NAME = Nd4jCpuDistances.NAME;

    /** Above {@code java}, below a GPU backend. */
    public static final int PRIORITY = 200;

    private static final String ND4J_CLASS = "org.nd4j.linalg.factory.Nd4j";

    /** The provider ServiceLoader makes. */
    public Nd4jCpuProvider() {
        super(NAME, PRIORITY);
    }

    @Override
    public BackendProbe probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return BackendProbe.unavailable(
                    "its natives are bundled for linux-x86_64 only, this is " + os + "-" + arch);
        }
        try {
            Class.forName(ND4J_CLASS, false, Nd4jCpuProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return BackendProbe.unavailable("ND4J is not on the classpath (" + ND4J_CLASS + ")");
        }
        return BackendProbe.available("ND4J is on the classpath, with natives for linux-x86_64");
    }

    @Override
    public ComputeBackend open() {
        return ComputeBackend.partial(NAME, new Nd4jCpuDistances(), null, null);
    }
}
