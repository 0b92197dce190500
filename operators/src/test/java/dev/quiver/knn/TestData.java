package dev.quiver.knn;

import java.util.SplittableRandom;

/** Point generators for the kd-tree tests: each kind stresses a different part of the pruning. */
enum TestData {
    /** Independent components in [-1, 1). */
    UNIFORM,
    /** Tight Gaussian clusters around 8 centres: deep, uneven trees. */
    CLUSTERED,
    /** Small integers, half the time a copy of an earlier point: exact duplicates and ties. */
    DUPLICATES,
    /** Integer multiples of one integer direction: every point on a line, distances tie often. */
    COLLINEAR;

    /** A generator for one test run; all randomness derives from {@code seed}. */
    Source source(int dimension, long seed) {
        return new Source(this, dimension, new SplittableRandom(seed));
    }

    /** Draws points of one kind. */
    static final class Source {
        private final TestData kind;
        private final int dimension;
        private final SplittableRandom random;
        private final float[][] centres = new float[8][];
        private final float[] direction;
        private final float[][] history = new float[64][];
        private int drawn;

        Source(TestData kind, int dimension, SplittableRandom random) {
            this.kind = kind;
            this.dimension = dimension;
            this.random = random;
            for (int c = 0; c < centres.length; c++) {
                centres[c] = uniform();
            }
            direction = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                direction[i] = random.nextInt(-3, 4);
            }
            direction[0] = 1f; // never the zero vector
        }

        SplittableRandom random() {
            return random;
        }

        float[] next() {
            float[] p =
                    switch (kind) {
                        case UNIFORM -> uniform();
                        case CLUSTERED -> clustered();
                        case DUPLICATES -> duplicate();
                        case COLLINEAR -> collinear();
                    };
            history[drawn++ % history.length] = p;
            return p.clone();
        }

        private float[] uniform() {
            float[] p = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                p[i] = (float) random.nextDouble(-1.0, 1.0);
            }
            return p;
        }

        private float[] clustered() {
            float[] centre = centres[random.nextInt(centres.length)];
            float[] p = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                p[i] = centre[i] + (float) (0.05 * gaussian());
            }
            return p;
        }

        private float[] duplicate() {
            if (drawn > 0 && random.nextBoolean()) {
                return history[random.nextInt(Math.min(drawn, history.length))].clone();
            }
            float[] p = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                p[i] = random.nextInt(3);
            }
            return p;
        }

        private float[] collinear() {
            int t = random.nextInt(-40, 41);
            float[] p = new float[dimension];
            for (int i = 0; i < dimension; i++) {
                p[i] = t * direction[i];
            }
            return p;
        }

        private double gaussian() {
            // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
            double u = 1.0 - random.nextDouble();
            double v = random.nextDouble();
            return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
        }
    }
}
