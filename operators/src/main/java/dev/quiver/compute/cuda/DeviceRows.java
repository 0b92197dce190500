package dev.quiver.compute.cuda;

/**
 * Rows of floats on the device, slot-major, with their squared norms beside them (summed in
 * coordinate order by {@code quiver_row_norms}): a point block's store and the kernel's staging
 * of queries and caller points.
 */
final class DeviceRows {

    private final CudaStream stream;
    private final DeviceBuffer rows;
    private final DeviceBuffer norms;

    DeviceRows(CudaStream stream, String what) {
        this.stream = stream;
        this.rows = new DeviceBuffer(stream, what + " rows");
        this.norms = new DeviceBuffer(stream, what + " norms");
    }

    /** Room for {@code count} rows of {@code d} floats, contents dropped. */
    void ensure(long count, int d) {
        rows.ensure(4L * d * count);
        norms.ensure(4L * count);
    }

    /** Room for {@code count} rows of {@code d} floats, keeping the first {@code kept}. */
    void grow(long count, long kept, int d) {
        rows.grow(4L * d * count, 4L * d * kept);
        norms.grow(4L * count, 4L * kept);
    }

    /**
     * Queues the upload of {@code count} rows from staging offset 0 to rows {@code first ...},
     * and the computation of their norms.
     */
    void upload(int first, int count, int d) {
        long target = rows() + 4L * d * first;
        stream.upload(0, target, 4L * d * count);
        try (KernelLaunch launch = rowNorms(target, count, d, norms() + 4L * first)) {
            stream.launch(launch);
        }
    }

    /** quiver_row_norms: the squared norms of {@code count} rows of {@code d} floats. */
    static KernelLaunch rowNorms(long rows, int count, int d, long norms) {
        return KernelLaunch.overThreads(
                "quiver_row_norms",
                count,
                new KernelArgs().address(rows).i32(count).i32(d).address(norms));
    }

    long rows() {
        return rows.address();
    }

    long norms() {
        return norms.address();
    }

    void free() {
        rows.free();
        norms.free();
    }
}
