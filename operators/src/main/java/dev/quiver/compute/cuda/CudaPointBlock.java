package dev.quiver.compute.cuda;

import dev.quiver.compute.SlotBlock;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * A point block on the device: rows slot-major with their squared norms ({@link DeviceRows}, the
 * norms computed on the device when the rows arrive) and a live flag per slot. An append copies
 * only the new rows; a compaction gathers the live rows into a second store on the device and
 * swaps the two. Tombstones change only the host's flags, which are copied to the device (one byte
 * a slot) before the next {@link CudaDistanceKernel#nearest} after a change: a changed block is
 * never copied whole.
 */
final class CudaPointBlock extends SlotBlock {

    private final CudaStream stream;
    private DeviceRows rows;
    private DeviceRows spare;
    private final DeviceBuffer live;
    private final DeviceBuffer gather;
    private long flagsVersion = -1;

    CudaPointBlock(int dimension, CudaDistanceKernel kernel, CudaStream stream) {
        super(dimension, kernel);
        this.stream = stream;
        rows = new DeviceRows(stream, "point");
        spare = new DeviceRows(stream, "compacted point");
        live = new DeviceBuffer(stream, "live flags");
        gather = new DeviceBuffer(stream, "compaction map");
    }

    @Override
    protected void store(float[] from, int offset, int count, int first) {
        if (count == 0) {
            return;
        }
        int d = dimension();
        stream.begin();
        rows.grow((long) first + count, first, d);
        stream.staging(4L * d * count).view(0, FloatPointer::new).put(from, offset, count * d);
        rows.upload(first, count, d);
        stream.sync();
    }

    @Override
    protected void move(int from, int to) {
        // Rows move in bulk, in compacted().
    }

    @Override
    protected void compacted(int[] moved, int liveCount) {
        if (liveCount == 0) {
            return;
        }
        int[] source = new int[liveCount];
        for (int slot = 0; slot < moved.length; slot++) {
            if (moved[slot] >= 0) {
                source[moved[slot]] = slot;
            }
        }
        int d = dimension();
        stream.begin();
        spare.ensure(liveCount, d);
        gather.ensure(4L * liveCount);
        stream.staging(4L * liveCount).view(0, IntPointer::new).put(source, 0, liveCount);
        stream.upload(0, gather.address(), 4L * liveCount);
        try (KernelLaunch launch =
                gatherRows(rows.rows(), rows.norms(), gather.address(), liveCount, d, spare.rows(),
                        spare.norms())) {
            stream.launch(launch);
        }
        stream.sync();
        DeviceRows compacted = spare;
        spare = rows;
        rows = compacted;
    }

    /**
     * quiver_gather_rows: row and norm {@code from[j]} of {@code in} to row {@code j} of {@code
     * out}, for {@code j < count}.
     */
    static KernelLaunch gatherRows(
            long in, long inNorms, long from, int count, int d, long out, long outNorms) {
        return KernelLaunch.overThreads(
                "quiver_gather_rows",
                count,
                new KernelArgs()
                        .address(in)
                        .address(inNorms)
                        .address(from)
                        .i32(count)
                        .i32(d)
                        .address(out)
                        .address(outNorms));
    }

    /** The rows' device address, slot-major. */
    long rows() {
        return rows.rows();
    }

    /** The squared norms' device address, one float a slot. */
    long norms() {
        return rows.norms();
    }

    /**
     * The live flags' device address, one byte a slot, copied from the host first if the block
     * changed since; call between {@link CudaStream#begin} and the sync that ends the call.
     */
    long liveFlags() {
        if (flagsVersion != version()) {
            int n = slotCount();
            byte[] flags = new byte[Math.max(1, n)];
            for (int slot = 0; slot < n; slot++) {
                flags[slot] = (byte) (isLive(slot) ? 1 : 0);
            }
            live.ensure(flags.length);
            stream.staging(flags.length).view(0, BytePointer::new).put(flags, 0, flags.length);
            stream.upload(0, live.address(), flags.length);
            // The staging buffer is reused by the call: the flags must be on the device first.
            stream.sync();
            flagsVersion = version();
        }
        return live.address();
    }

    @Override
    protected void release() {
        stream.makeCurrent();
        rows.free();
        spare.free();
        live.free();
        gather.free();
    }
}
