package dev.quiver.compute.cuda;

import dev.quiver.compute.NearestHeap;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;

/**
 * Each query's k nearest live slots from a tile of distances on the device ({@code count x n},
 * row-major, dead slots at {@code +inf}), ascending by (distance, slot): by {@code quiver_topk} on
 * the device (one thread a query) for {@code k <=} {@value #DEVICE_TOP_K}, else by a {@link
 * NearestHeap} on the host over the tile copied back. Queries with fewer than k live slots are
 * padded with slot -1 at {@code +inf}.
 */
final class DeviceTopK {

    /** The largest k whose top-k the device keeps; quiver_topk's QUIVER_TOPK_MAX. */
    static final int DEVICE_TOP_K = 64;

    private final CudaStream stream;
    private final DeviceBuffer slotRanks;
    private final DeviceBuffer distances;
    private final DeviceBuffer ranks;
    private final DeviceBuffer sizes;
    private final NearestHeap heap = new NearestHeap(16);
    private long rankedSlots;
    private float[] hostDistances = {};
    private long[] hostRanks = {};
    private int[] hostSizes = {};

    DeviceTopK(CudaStream stream) {
        this.stream = stream;
        slotRanks = new DeviceBuffer(stream, "slot ranks");
        distances = new DeviceBuffer(stream, "top-k distances");
        ranks = new DeviceBuffer(stream, "top-k slots");
        sizes = new DeviceBuffer(stream, "top-k sizes");
    }

    /**
     * The top k of each of the {@code count} queries of the tile at {@code tile} (rows of {@code
     * n} slots of {@code block}) into {@code out*[(first + i) * k ...]}; waits for the stream.
     */
    void select(
            long tile, int count, int n, int k, CudaPointBlock block, int first,
            float[] outDistances, int[] outSlots) {
        if (k <= DEVICE_TOP_K) {
            onDevice(tile, count, n, k, block, first, outDistances, outSlots);
        } else {
            onHost(tile, count, n, k, block, first, outDistances, outSlots);
        }
    }

    private void onDevice(
            long tile, int count, int n, int k, CudaPointBlock block, int first,
            float[] outDistances, int[] outSlots) {
        rankSlots(n);
        int entries = count * k;
        distances.ensure(4L * entries);
        ranks.ensure(8L * entries);
        sizes.ensure(4L * count);
        try (KernelArgs args =
                new KernelArgs()
                        .address(tile)
                        .address(slotRanks.address())
                        .i32(count)
                        .i32(n)
                        .i32(k)
                        .address(distances.address())
                        .address(ranks.address())
                        .address(sizes.address())) {
            stream.launch("quiver_topk", CudaStream.blocks(count), 1, CudaStream.THREADS, 1, args);
        }
        long rankAt = 4L * entries;
        long sizeAt = rankAt + 8L * entries;
        PinnedBuffer staging = stream.staging(sizeAt + 4L * count);
        stream.download(distances.address(), 0, 4L * entries);
        stream.download(ranks.address(), rankAt, 8L * entries);
        stream.download(sizes.address(), sizeAt, 4L * count);
        stream.sync();
        if (hostDistances.length < entries) {
            hostDistances = new float[entries];
            hostRanks = new long[entries];
        }
        if (hostSizes.length < count) {
            hostSizes = new int[count];
        }
        staging.view(0, FloatPointer::new).get(hostDistances, 0, entries);
        staging.view(rankAt, LongPointer::new).get(hostRanks, 0, entries);
        staging.view(sizeAt, IntPointer::new).get(hostSizes, 0, count);
        for (int i = 0; i < count; i++) {
            int at = (first + i) * k;
            int written = 0;
            for (int j = 0; j < hostSizes[i]; j++) {
                int slot = (int) hostRanks[i * k + j];
                // Dead slots come last, at +inf: they fill only a query with fewer than k live.
                if (block.isLive(slot)) {
                    outSlots[at + written] = slot;
                    outDistances[at + written++] = hostDistances[i * k + j];
                }
            }
            for (; written < k; written++) {
                outSlots[at + written] = -1;
                outDistances[at + written] = Float.POSITIVE_INFINITY;
            }
        }
    }

    private void onHost(
            long tile, int count, int n, int k, CudaPointBlock block, int first,
            float[] outDistances, int[] outSlots) {
        long bytes = 4L * count * n;
        PinnedBuffer staging = stream.staging(bytes);
        stream.download(tile, 0, bytes);
        stream.sync();
        if (hostDistances.length < n) {
            hostDistances = new float[n];
        }
        for (int i = 0; i < count; i++) {
            staging.view(4L * i * n, FloatPointer::new).get(hostDistances, 0, n);
            heap.start(k, NearestHeap.BY_SLOT);
            for (int slot = 0; slot < n; slot++) {
                if (block.isLive(slot)) {
                    heap.offer(slot, hostDistances[slot]);
                }
            }
            heap.drainPadded(outSlots, outDistances, (first + i) * k);
        }
    }

    /** The int64 ranks quiver_topk orders ties by: slot j has rank j. */
    private void rankSlots(int n) {
        if (n <= rankedSlots) {
            return;
        }
        int count = (int) Math.min(Math.max(n, 2 * rankedSlots), Integer.MAX_VALUE - 8);
        long[] iota = new long[count];
        for (int j = 0; j < count; j++) {
            iota[j] = j;
        }
        slotRanks.ensure(8L * count);
        stream.staging(8L * count).view(0, LongPointer::new).put(iota, 0, count);
        stream.upload(0, slotRanks.address(), 8L * count);
        stream.sync();
        rankedSlots = count;
    }

    void free() {
        slotRanks.free();
        distances.free();
        ranks.free();
        sizes.free();
    }
}
