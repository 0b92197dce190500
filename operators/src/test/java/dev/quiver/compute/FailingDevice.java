package dev.quiver.compute;

import java.util.Arrays;

/**
 * A fake device for the fallback tests: capabilities that delegate to the java backend's until told
 * to fail, and then write garbage into their outputs before throwing a {@link
 * BackendFailureException}, as a device that dies mid-batch might.
 */
final class FailingDevice {

    static final String NAME = "fake-gpu";

    boolean failCalls;
    boolean failBlockChanges;

    private final ComputeBackend java = ComputeBackends.java();

    void fail(String call) {
        throw new BackendFailureException(call + " failed: FAKE_ERROR (device lost)");
    }

    DistanceKernel distances() {
        DistanceKernel inner = java.distances();
        return new DistanceKernel() {
            @Override
            public String backend() {
                return NAME;
            }

            @Override
            public void squaredDistances(RowBlock q, RowBlock p, int d, float[] out) {
                if (failCalls) {
                    Arrays.fill(out, -7f);
                    fail("squaredDistances");
                }
                inner.squaredDistances(q, p, d, out);
            }

            @Override
            public double errorBound(int d) {
                return inner.errorBound(d);
            }

            @Override
            public PointBlock openPointBlock(int d) {
                return new ChangingBlock(inner.openPointBlock(d));
            }

            @Override
            public void nearest(RowBlock q, PointBlock block, int k, float[] dist, int[] slots) {
                if (failCalls) {
                    Arrays.fill(slots, 99);
                    fail("nearest");
                }
                inner.nearest(q, ((ChangingBlock) block).inner, k, dist, slots);
            }

            @Override
            public void close() {}
        };
    }

    WalkKernel walks() {
        WalkKernel inner = java.walks();
        return new WalkKernel() {
            @Override
            public String backend() {
                return NAME;
            }

            @Override
            public void simulate(WalkLaw law, WalkBatch batch, WalkTallies out) {
                if (failCalls) {
                    out.reset(batch.count());
                    fail("simulate");
                }
                inner.simulate(law, batch, out);
            }

            @Override
            public void close() {}
        };
    }

    ForestKernel forests() {
        ForestKernel inner = java.forests();
        return new ForestKernel() {
            @Override
            public String backend() {
                return NAME;
            }

            @Override
            public ForestHandle load(FlatForest forest) {
                if (failBlockChanges) {
                    fail("load");
                }
                return inner.load(forest);
            }

            @Override
            public void score(ForestHandle f, float[] rows, int n, int features, float[] out) {
                ForestKernel.checkScoreArguments(f, rows, n, features, out);
                if (failCalls) {
                    Arrays.fill(out, 42f);
                    fail("score");
                }
                inner.score(f, rows, n, features, out);
            }

            @Override
            public void close() {}
        };
    }

    /** A java block whose changes fail while {@link #failBlockChanges} is set. */
    private final class ChangingBlock implements PointBlock {
        final PointBlock inner;

        ChangingBlock(PointBlock inner) {
            this.inner = inner;
        }

        private void change(String what) {
            if (failBlockChanges) {
                fail(what);
            }
        }

        @Override
        public int dimension() {
            return inner.dimension();
        }

        @Override
        public int append(float[] rows, int offset, int count) {
            change("append");
            return inner.append(rows, offset, count);
        }

        @Override
        public void tombstone(int slot) {
            change("tombstone");
            inner.tombstone(slot);
        }

        @Override
        public boolean isLive(int slot) {
            return inner.isLive(slot);
        }

        @Override
        public long version() {
            return inner.version();
        }

        @Override
        public int slotCount() {
            return inner.slotCount();
        }

        @Override
        public int liveCount() {
            return inner.liveCount();
        }

        @Override
        public int[] compact() {
            change("compact");
            return inner.compact();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A provider of the fake device's three capabilities, on a device. */
    BackendProvider provider() {
        return new BackendProvider() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public int priority() {
                return 300;
            }

            @Override
            public BackendProbe probe() {
                return BackendProbe.available("fake device");
            }

            @Override
            public boolean runsOnDevice() {
                return true;
            }

            @Override
            public ComputeBackend open() {
                return ComputeBackend.partial(NAME, distances(), walks(), forests());
            }
        };
    }
}
