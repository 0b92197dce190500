package dev.quiver.compute.cuda;

/**
 * One launch of a kernel of {@code quiver_kernels.cu}: its name, a grid of {@code gridX x gridY}
 * blocks of {@code blockX x blockY} threads, {@code sharedBytes} of dynamic shared memory a block,
 * and its arguments, which it owns ({@link #close}). Every launch site builds one in a small
 * package-private method of plain values, so that a test checks each against the kernel's
 * signature without a device ({@link KernelSignatures}); {@link CudaStream#launch} checks it again
 * before the driver sees it.
 */
record KernelLaunch(
        String kernel, int gridX, int gridY, int blockX, int blockY, int sharedBytes,
        KernelArgs args) implements AutoCloseable {

    /** One thread for each of {@code threads} items: blocks of {@link CudaStream#THREADS} in x. */
    static KernelLaunch overThreads(String kernel, long threads, KernelArgs args) {
        return new KernelLaunch(
                kernel, CudaStream.blocks(threads), 1, CudaStream.THREADS, 1, 0, args);
    }

    @Override
    public void close() {
        args.close();
    }

    @Override
    public String toString() {
        return kernel + " on a grid of " + gridX + " x " + gridY + " blocks of " + blockX + " x "
                + blockY + " threads, " + sharedBytes + " bytes of dynamic shared memory, arguments "
                + args.kinds();
    }
}
