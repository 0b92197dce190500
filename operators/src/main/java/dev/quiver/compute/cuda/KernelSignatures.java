package dev.quiver.compute.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code extern "C" __global__} kernels of {@code quiver_kernels.cu}, read from its source,
 * which the build copies beside this class (the fatbin beside it is compiled from the same file):
 * {@link #check} refuses a launch whose arguments do not match its kernel's parameters in count,
 * order and kind (a 32-bit value where the kernel reads 64 bits, a pointer where it reads a
 * number), or whose grid, blocks or dynamic shared memory the kernel cannot use. The driver checks
 * none of that: it copies as many bytes as the kernel declares from wherever the arguments point,
 * so a mismatch would corrupt memory on the device instead of failing.
 *
 * <pre>{@code
 * KernelSignatures.bundled().check(launch); // throws CudaException naming kernel and mismatch
 * }</pre>
 */
final class KernelSignatures {

    /** The kernels' source, a resource beside this class (operators/pom.xml copies it). */
    static final String SOURCE = "quiver_kernels.cu";

    private static final Pattern KERNEL =
            Pattern.compile("extern\\s+\"C\"\\s+__global__\\s+void\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*\\{");
    private static final Pattern GLOBAL = Pattern.compile("\\b__global__\\b");
    private static final Pattern COMMENT = Pattern.compile("//[^\\n]*|/\\*(?s:.*?)\\*/");
    private static final Pattern GRID_Y = Pattern.compile("\\b(blockIdx|gridDim)\\.y\\b");
    private static final Pattern BLOCK_Y = Pattern.compile("\\b(threadIdx|blockDim)\\.y\\b");
    private static final Pattern SHARED = Pattern.compile("\\bextern\\s+__shared__\\b");
    private static final Pattern QUALIFIER = Pattern.compile("\\b(const|volatile|__restrict__)\\b");

    /** Scalar types by their spelling, whitespace collapsed; any pointer is an address. */
    private static final Map<String, ParamKind> SCALARS =
            Map.ofEntries(
                    Map.entry("int", ParamKind.I32),
                    Map.entry("int32_t", ParamKind.I32),
                    Map.entry("long long", ParamKind.I64),
                    Map.entry("int64_t", ParamKind.I64),
                    Map.entry("uint64_t", ParamKind.I64),
                    Map.entry("float", ParamKind.F32),
                    Map.entry("double", ParamKind.F64));

    private static KernelSignatures bundled;

    private final Map<String, KernelSignature> kernels;

    private KernelSignatures(Map<String, KernelSignature> kernels) {
        this.kernels = kernels;
    }

    /**
     * The kernels of the bundled {@value #SOURCE}, read on first use.
     *
     * @throws IllegalStateException if the source is not on the classpath
     */
    static synchronized KernelSignatures bundled() {
        if (bundled == null) {
            bundled = parse(readBundled());
        }
        return bundled;
    }

    /** The signatures, by name, in source order. */
    Map<String, KernelSignature> kernels() {
        return kernels;
    }

    /**
     * Checks a launch against its kernel's declaration.
     *
     * @throws CudaException naming the kernel and the mismatch, when the kernel is unknown or the
     *     launch does not fit it
     */
    void check(KernelLaunch launch) {
        KernelSignature kernel = kernels.get(launch.kernel());
        String refusal =
                kernel == null
                        ? "no such extern \"C\" __global__ kernel in " + SOURCE
                        : kernel.refusal(launch);
        if (refusal != null) {
            throw CudaException.launchRefused(launch.kernel(), refusal);
        }
    }

    /**
     * Reads every {@code extern "C" __global__ void} kernel of a CUDA source.
     *
     * @throws IllegalArgumentException if a {@code __global__} declaration is not of that form
     *     or a parameter's type is not one a launch can pass ({@link ParamKind})
     */
    static KernelSignatures parse(String source) {
        String code = COMMENT.matcher(source).replaceAll(" ");
        Map<String, KernelSignature> kernels = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(code);
        while (m.find()) {
            String name = m.group(1);
            String body = body(code, m.end() - 1, name);
            KernelSignature signature =
                    new KernelSignature(
                            name, parameters(name, m.group(2)), GRID_Y.matcher(body).find(),
                            BLOCK_Y.matcher(body).find(), SHARED.matcher(body).find());
            if (kernels.put(name, signature) != null) {
                throw new IllegalArgumentException("kernel " + name + " is declared twice");
            }
        }
        long globals = GLOBAL.matcher(code).results().count();
        if (globals != kernels.size()) {
            throw new IllegalArgumentException(
                    globals + " __global__ declarations but " + kernels.size()
                            + " of the form extern \"C\" __global__ void name(...) {: every kernel"
                            + " must be declared so, to be checked");
        }
        return new KernelSignatures(Collections.unmodifiableMap(kernels));
    }

    /** The text from the brace at {@code open} to its match. */
    private static String body(String code, int open, String name) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return code.substring(open, i + 1);
            }
        }
        throw new IllegalArgumentException("kernel " + name + "'s body has no closing brace");
    }

    private static List<KernelSignature.Parameter> parameters(String name, String list) {
        List<KernelSignature.Parameter> parameters = new ArrayList<>();
        String trimmed = list.strip();
        if (trimmed.isEmpty() || trimmed.equals("void")) {
            return parameters;
        }
        for (String declaration : trimmed.split(",")) {
            String text = declaration.strip().replaceAll("\\s+", " ");
            parameters.add(new KernelSignature.Parameter(kind(name, text), text));
        }
        return parameters;
    }

    private static ParamKind kind(String name, String declaration) {
        if (declaration.contains("*") || declaration.contains("[")) {
            return ParamKind.ADDRESS;
        }
        // The type is what precedes the parameter's name, qualifiers aside.
        String type = QUALIFIER.matcher(declaration).replaceAll(" ").strip();
        int space = type.lastIndexOf(' ');
        type = space < 0 ? "" : type.substring(0, space).strip().replaceAll("\\s+", " ");
        ParamKind kind = SCALARS.get(type);
        if (kind == null) {
            throw new IllegalArgumentException(
                    "kernel " + name + "'s parameter '" + declaration + "' has a type a launch"
                            + " cannot pass; known: " + SCALARS.keySet() + " and pointers");
        }
        return kind;
    }

    private static String readBundled() {
        try (InputStream in = KernelSignatures.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(
                        SOURCE + " is not on the classpath beside " + KernelSignatures.class.getName()
                                + ": the jar was not built by operators/pom.xml");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SOURCE, e);
        }
    }
}
