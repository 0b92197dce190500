package dev.quiver.compute.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The launch arithmetic of {@link DeviceTopK} (no device needed): list widths and shared memory
 * as quiver/topk.cuh lays them out, and how a row is split into chunks.
 */
class DeviceTopKTest {

    @Test
    void widthIsTheNextPowerOfTwoAtLeastKAndTheThreads() {
        assertThat(DeviceTopK.width(1)).isEqualTo(CudaStream.THREADS);
        assertThat(DeviceTopK.width(256)).isEqualTo(256);
        assertThat(DeviceTopK.width(257)).isEqualTo(512);
        assertThat(DeviceTopK.width(1024)).isEqualTo(1024);
    }

    @Test
    void theLargestDeviceSelectionFitsTheDefaultSharedMemory() {
        int bytes = DeviceTopK.sharedBytes(DeviceTopK.width(DeviceTopK.DEVICE_TOP_K));
        assertThat(bytes).isEqualTo(16 * 1024 + 4).isLessThanOrEqualTo(48 * 1024);
    }

    @Test
    void aRowIsSplitOnlyWhenTheQueriesAloneLeaveTheDeviceIdle() {
        // Enough queries, or a row shorter than two minimal chunks: one block a query.
        assertThat(DeviceTopK.chunkLength(2048, 1_000_000, 256)).isEqualTo(1_000_000);
        assertThat(DeviceTopK.chunkLength(1, 8191, 256)).isEqualTo(8191);
        // One query over a million slots: as many chunks as the minimal length allows (244),
        // each at least 16 widths long.
        int length = DeviceTopK.chunkLength(1, 1_000_000, 256);
        assertThat(length).isEqualTo((1_000_000 + 243) / 244);
        // 64 queries: 16 chunks each, about 1,024 blocks.
        assertThat(DeviceTopK.chunkLength(64, 1_000_000, 1024)).isEqualTo(62_500);
    }
}
