package dev.quiver.compute.cuda;

import java.util.List;

/**
 * A kernel as {@code quiver_kernels.cu} declares it: its parameters in order, and what its body
 * reads of the launch's shape ({@code blockIdx.y} or {@code gridDim.y}: a grid in y;
 * {@code threadIdx.y} or {@code blockDim.y}: blocks in y; {@code extern __shared__}: dynamic shared
 * memory). {@link #refusal} says what is wrong with a launch of it, if anything.
 *
 * @param name the {@code extern "C"} name the driver looks up
 * @param parameters the declared parameters, in order
 * @param gridInY whether the body reads the block's y index, so a grid may have more than one row
 * @param blockInY whether the body reads the thread's y index, so a block may have more than one
 * @param dynamicShared whether the body declares dynamic shared memory, which a launch must give
 */
record KernelSignature(
        String name, List<Parameter> parameters, boolean gridInY, boolean blockInY,
        boolean dynamicShared) {

    /** Grid rows (y) any device allows. */
    static final int MAX_GRID_Y = 65_535;

    /** Threads a block may have on every device Quiver builds for (sm_80, sm_90). */
    static final int MAX_BLOCK_THREADS = 1024;

    /** Dynamic shared memory a block gets without opting in to more (cuFuncSetAttribute). */
    static final int MAX_DEFAULT_SHARED_BYTES = 48 * 1024;

    /**
     * One declared parameter.
     *
     * @param kind what the launch must pass for it
     * @param declaration its declaration, e.g. {@code const uint64_t* key_hashes}
     */
    record Parameter(ParamKind kind, String declaration) {}

    KernelSignature {
        parameters = List.copyOf(parameters);
    }

    /** What is wrong with {@code launch} (of this kernel) as the kernel declares itself; null: nothing. */
    String refusal(KernelLaunch launch) {
        String arguments = argumentRefusal(launch.args().kinds());
        return arguments != null ? arguments : shapeRefusal(launch);
    }

    private String argumentRefusal(List<ParamKind> given) {
        for (int i = 0; i < Math.min(given.size(), parameters.size()); i++) {
            Parameter p = parameters.get(i);
            if (given.get(i) != p.kind()) {
                return "argument " + i + " is passed as " + given.get(i)
                        + " where the kernel declares " + p.declaration() + " (" + p.kind() + ")";
            }
        }
        if (given.size() != parameters.size()) {
            return given.size() + " arguments where the kernel declares " + parameters.size()
                    + (given.size() < parameters.size()
                            ? "; the first missing is " + parameters.get(given.size()).declaration()
                            : "");
        }
        return null;
    }

    private String shapeRefusal(KernelLaunch l) {
        if (l.gridX() < 1 || l.gridY() < 1 || l.blockX() < 1 || l.blockY() < 1) {
            return "a grid of " + l.gridX() + " x " + l.gridY() + " blocks of " + l.blockX() + " x "
                    + l.blockY() + " threads: every dimension must be at least 1";
        }
        if (l.gridY() > MAX_GRID_Y) {
            return l.gridY() + " grid rows, above the " + MAX_GRID_Y + " a device allows";
        }
        if ((long) l.blockX() * l.blockY() > MAX_BLOCK_THREADS) {
            return "blocks of " + l.blockX() + " x " + l.blockY() + " threads, above "
                    + MAX_BLOCK_THREADS;
        }
        if (l.gridY() > 1 && !gridInY) {
            return l.gridY() + " grid rows, but the kernel never reads blockIdx.y: each row would"
                    + " redo the first one's work";
        }
        if (l.blockY() > 1 && !blockInY) {
            return "blocks " + l.blockY() + " threads high, but the kernel never reads threadIdx.y";
        }
        return sharedRefusal(l.sharedBytes());
    }

    private String sharedRefusal(int bytes) {
        if (bytes < 0 || bytes > MAX_DEFAULT_SHARED_BYTES) {
            return bytes + " bytes of dynamic shared memory, outside [0, "
                    + MAX_DEFAULT_SHARED_BYTES + "]";
        }
        if (dynamicShared && bytes == 0) {
            return "no dynamic shared memory, but the kernel declares extern __shared__ memory";
        }
        if (!dynamicShared && bytes > 0) {
            return bytes + " bytes of dynamic shared memory, but the kernel declares none";
        }
        return null;
    }
}
