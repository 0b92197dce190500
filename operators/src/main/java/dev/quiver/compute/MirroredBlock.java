package dev.quiver.compute;

import java.util.function.Consumer;

/**
 * A {@link FallbackDistances} block: the device block and its heap mirror, a {@code java} block,
 * each changed in step with this block's own slots. When a change fails on the device, the device
 * block is closed and dropped, and the mirror alone serves the block from then on.
 */
final class MirroredBlock extends SlotBlock {

    private final FallbackDistances kernel;
    private final PointBlock mirror;
    private PointBlock onDevice;

    MirroredBlock(int dimension, FallbackDistances kernel, PointBlock onDevice, PointBlock mirror) {
        super(dimension, kernel);
        this.kernel = kernel;
        this.onDevice = onDevice;
        this.mirror = mirror;
    }

    /** The device block; null once a change failed on it. */
    PointBlock onDevice() {
        return onDevice;
    }

    PointBlock mirror() {
        return mirror;
    }

    @Override
    protected void store(float[] rows, int offset, int count, int first) {
        mirror.append(rows, offset, count);
        onDevice(device -> device.append(rows, offset, count));
    }

    @Override
    protected void tombstoned(int slot) {
        mirror.tombstone(slot);
        onDevice(device -> device.tombstone(slot));
    }

    @Override
    protected void move(int from, int to) {
        // The mirror and the device block compact themselves, in compacted().
    }

    @Override
    protected void compacted(int[] moved, int liveCount) {
        mirror.compact();
        onDevice(PointBlock::compact);
    }

    private void onDevice(Consumer<PointBlock> change) {
        if (onDevice == null) {
            return;
        }
        try {
            change.accept(onDevice);
        } catch (BackendFailureException e) {
            onDevice.close();
            onDevice = null;
            kernel.count().fellBack(e);
        }
    }

    @Override
    protected void release() {
        if (onDevice != null) {
            onDevice.close();
            onDevice = null;
        }
        mirror.close();
    }
}
