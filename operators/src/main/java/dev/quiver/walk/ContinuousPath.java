package dev.quiver.walk;

/**
 * The statistics of one path with real-valued steps, defined as for {@link LatticePath} except that
 * levels are met or crossed rather than landed on: the passage time is the first {@code t} with
 * {@code S_t >= a} (for {@code a > 0}) or {@code S_t <= a} (for {@code a < 0}), the return time the
 * first {@code t >= 1} with {@code S_t = 0} or with {@code S_(t-1)} and {@code S_t} on strictly
 * opposite sides of 0. For +-1 steps these are the lattice definitions.
 */
final class ContinuousPath {

    double position;
    double maximum;
    int passage;
    int firstReturn;
    int above;
    int time;
    private double barrier;

    /** Starts a path at 0; {@code barrier} NaN means none. */
    void reset(double barrier) {
        this.barrier = barrier;
        position = 0;
        maximum = 0;
        passage = Double.isNaN(barrier) ? LatticePath.UNTRACKED : LatticePath.NOT_YET;
        firstReturn = LatticePath.NOT_YET;
        above = 0;
        time = 0;
    }

    void step(double delta) {
        double previous = position;
        position += delta;
        time++;
        if (position > maximum) {
            maximum = position;
        }
        if (passage == LatticePath.NOT_YET
                && (barrier > 0 ? position >= barrier : position <= barrier)) {
            passage = time;
        }
        if (firstReturn == LatticePath.NOT_YET
                && (position == 0
                        || (previous < 0 && position > 0)
                        || (previous > 0 && position < 0))) {
            firstReturn = time;
        }
        if (previous + position > 0) {
            above++;
        }
    }
}
