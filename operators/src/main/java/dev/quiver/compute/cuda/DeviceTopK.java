package dev.quiver.compute.cuda;

import dev.quiver.compute.NearestHeap;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * Each query's k nearest live slots from a tile of distances on the device ({@code count x n},
 * row-major), ascending by (distance, slot), slot -1 at {@code +inf} past a query's live slots: for
 * {@code k <=} {@value #DEVICE_TOP_K} by {@code quiver_topk} on the device (one thread block a
 * query, or a query's chunk and then a merge pass when the tile has few queries: a strided scan, a
 * queue of candidates below the k-th best, bitonic sort and merge; see quiver/topk.cuh), so only
 * {@code k} pairs a query come back; above, by a {@link NearestHeap} on the host over the tile
 * copied back.
 */
final class DeviceTopK {

    /**
     * The largest k selected on the device: its list and queue, {@code 2 x 1,024} (distance, slot)
     * pairs, take 16 KiB of shared memory a block, well within the 48 KiB every device grants.
     */
    static final int DEVICE_TOP_K = 1024;

    /**
     * Blocks a selection aims for: several per multiprocessor of a large GPU (an H100 has 132,
     * each holding up to 8 of these 256-thread blocks), so that a tile of few queries over a long
     * row still keeps the device busy.
     */
    static final int TARGET_BLOCKS = 1024;

    /** The shortest chunk, in list widths. */
    static final int MIN_CHUNK_WIDTHS = 16;

    private final CudaStream stream;
    /** Each query's k pairs, as they are copied back. */
    private final Pairs selected;
    /** Each chunk's k pairs, for the merge pass. */
    private final Pairs chunkSelected;
    private final NearestHeap heap = new NearestHeap(16);
    private float[] hostDistances = {};

    DeviceTopK(CudaStream stream) {
        this.stream = stream;
        selected = new Pairs(stream, "top-k");
        chunkSelected = new Pairs(stream, "top-k chunk");
    }

    /**
     * The top k of each of the {@code count} queries of the tile at {@code tile} (rows of {@code
     * n} slots of {@code block}, whose live flags are at {@code live}, 0 for all live) into {@code
     * out*[(first + i) * k ...]}; waits for the stream.
     */
    void select(
            long tile, long live, int count, int n, int k, CudaPointBlock block, int first,
            float[] outDistances, int[] outSlots) {
        if (k <= DEVICE_TOP_K) {
            onDevice(tile, live, count, n, k, first, outDistances, outSlots);
        } else {
            onHost(tile, count, n, k, block, first, outDistances, outSlots);
        }
    }

    private void onDevice(
            long tile, long live, int count, int n, int k, int first, float[] outDistances,
            int[] outSlots) {
        int width = width(k);
        int chunkLength = chunkLength(count, n, width);
        int chunks = (n + chunkLength - 1) / chunkLength;
        int entries = count * k;
        selected.ensure(entries);
        if (chunks == 1) {
            launch(tile, 0, live, n, n, 1, count, k, width, selected);
        } else {
            chunkSelected.ensure((long) count * chunks * k);
            launch(tile, 0, live, n, chunkLength, chunks, count, k, width, chunkSelected);
            int merged = chunks * k;
            launch(chunkSelected.distances.address(), chunkSelected.slots.address(), 0, merged,
                    merged, 1, count, k, width, selected);
        }
        long slotsAt = 4L * entries;
        PinnedBuffer staging = stream.staging(2 * slotsAt);
        stream.download(selected.distances.address(), 0, slotsAt);
        stream.download(selected.slots.address(), slotsAt, slotsAt);
        stream.sync();
        staging.view(0, FloatPointer::new).get(outDistances, first * k, entries);
        staging.view(slotsAt, IntPointer::new).get(outSlots, first * k, entries);
    }

    /** Queues quiver_topk over {@code chunks x count} blocks (see quiver_kernels.cu). */
    private void launch(
            long rows, long rowSlots, long live, int rowLength, int chunkLength, int chunks,
            int count, int k, int width, Pairs out) {
        try (KernelLaunch launch =
                topK(rows, rowSlots, live, rowLength, chunkLength, chunks, count, k, width,
                        out.distances.address(), out.slots.address())) {
            stream.launch(launch);
        }
    }

    /**
     * quiver_topk: block (c, q) selects the k best of chunk c of query q's row into entries
     * {@code (q * chunks + c) * k ...} of the outputs, with a list {@code width} wide in shared
     * memory.
     */
    static KernelLaunch topK(
            long rows, long rowSlots, long live, int rowLength, int chunkLength, int chunks,
            int count, int k, int width, long outDistances, long outSlots) {
        KernelArgs args =
                new KernelArgs()
                        .address(rows)
                        .address(rowSlots)
                        .address(live)
                        .i32(rowLength)
                        .i32(chunkLength)
                        .i32(k)
                        .i32(width)
                        .address(outDistances)
                        .address(outSlots);
        return new KernelLaunch(
                "quiver_topk", chunks, count, CudaStream.THREADS, 1, sharedBytes(width), args);
    }

    /**
     * The entries of a row one block selects from: the whole row when the tile's queries alone
     * give the device enough blocks, else a chunk, so that about {@value #TARGET_BLOCKS} blocks
     * share the work, but at least {@value #MIN_CHUNK_WIDTHS} list widths, so that the merge pass
     * reads far fewer entries than the first.
     */
    static int chunkLength(int count, int n, int width) {
        long chunks =
                Math.min(
                        (TARGET_BLOCKS + count - 1) / count,
                        n / ((long) MIN_CHUNK_WIDTHS * width));
        return chunks <= 1 ? n : (int) ((n + chunks - 1) / chunks);
    }

    /**
     * The list width of quiver/topk.cuh's topk_width for a block of {@link CudaStream#THREADS}:
     * the next power of two at least k and at least the threads.
     */
    static int width(int k) {
        int width = CudaStream.THREADS;
        while (width < k) {
            width *= 2;
        }
        return width;
    }

    /** TopKLists::bytes: list and queue of (f32 distance, i32 slot), and the queue's fill. */
    static int sharedBytes(int width) {
        return width * 2 * (4 + 4) + 4;
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

    void free() {
        selected.free();
        chunkSelected.free();
    }

    /** (distance, slot) pairs on the device: parallel arrays of f32 and i32. */
    private static final class Pairs {
        final DeviceBuffer distances;
        final DeviceBuffer slots;

        Pairs(CudaStream stream, String what) {
            distances = new DeviceBuffer(stream, what + " distances");
            slots = new DeviceBuffer(stream, what + " slots");
        }

        void ensure(long entries) {
            distances.ensure(4 * entries);
            slots.ensure(4 * entries);
        }

        void free() {
            distances.free();
            slots.free();
        }
    }
}
