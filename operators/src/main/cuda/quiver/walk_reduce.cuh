// The statistics of one simulation from its paths' results, as dev.quiver.walk.WalkResult.finish
// and JavaWalkKernel.copy compute them: the same double operations in the same order, so that a
// reduction on the device (one thread a simulation) gives the Java tallies bit for bit and only
// the tallies, not every path, come back to the host.
//
// Lattice walks count paths per level (and per running maximum and steps above 0), then sum the
// counts in ascending level as WalkResult does; real-valued walks sum the finals (and running
// maxima) in path order, then sort the finals (a sort's result does not depend on its order of
// work) for quantiles and bins. Passage, return and steps-above tallies are counted per value.
#pragma once

#include "walk.cuh"

namespace quiver {

// A simulation's doubles, in this order: the statistics, then its quantiles.
constexpr int REDUCE_MEAN = 0;
constexpr int REDUCE_VARIANCE = 1;
constexpr int REDUCE_MAXIMUM_MEAN = 2;
constexpr int REDUCE_HIT_PROBABILITY = 3;
constexpr int REDUCE_RETURN_PROBABILITY = 4;
constexpr int REDUCE_MEAN_FRACTION_ABOVE = 5;
constexpr int REDUCE_STATISTICS = 6;
// A simulation's integers: hits (-1 untracked), then the number of bins.
constexpr int REDUCE_HITS = 0;
constexpr int REDUCE_BIN_COUNT = 1;
constexpr int REDUCE_COUNTS = 2;
// WalkResult.CONTINUOUS_BINS: the equal-width bins of a real-valued walk.
constexpr int REDUCE_CONTINUOUS_BINS = 50;

// What every simulation of a batch shares. ranks: the 1-based ranks of the quantiles among the
// sorted finals (WalkResult.rank, computed by the caller); max_bins: room for bins per simulation.
struct ReduceShape {
    int steps, paths, quantiles, max_bins;
    const int64_t* ranks;
    bool track_paths, has_barrier;

    QUIVER_HD int value_count() const { return REDUCE_STATISTICS + quantiles; }
    // Scratch ints of a lattice reduction: finals -n .. n, then maxima and steps above 0 .. n.
    QUIVER_HD long long lattice_scratch() const {
        return 2LL * steps + 1 + (track_paths ? 2LL * (steps + 1) : 0);
    }
};

// One simulation's output: values[value_count()], counts[REDUCE_COUNTS], and bin b's level and
// paths at levels[b * bin_stride] and paths[b * bin_stride]. A batch on the device stores bins
// bin-major (stride: the simulation count), so bins 0 .. B - 1 of every simulation are one
// contiguous copy back for the largest B any simulation used.
struct ReduceOut {
    double* values;
    int64_t* counts;
    double* levels;
    int64_t* paths;
    long long bin_stride;

    QUIVER_HD void bin(int b, double level, int64_t count) {
        levels[b * bin_stride] = level;
        paths[b * bin_stride] = count;
    }
};

// PathCounts.weightedSum: value times count, summed in ascending value.
QUIVER_HD double weighted_sum(const int* counts, int last) {
    double sum = 0;
    for (int v = 0; v <= last; v++) sum += (double)v * (double)counts[v];
    return sum;
}

// PathCounts.lowestReaching: the smallest value whose cumulative count reaches rank.
QUIVER_HD int lowest_reaching(const int* counts, int last, int64_t rank) {
    int64_t cumulative = 0;
    for (int v = 0; v < last; v++) {
        cumulative += counts[v];
        if (cumulative >= rank) return v;
    }
    return last;
}

QUIVER_HD void no_path_statistics(ReduceOut out) {
    out.values[REDUCE_MAXIMUM_MEAN] = NAN;
    out.values[REDUCE_HIT_PROBABILITY] = NAN;
    out.values[REDUCE_RETURN_PROBABILITY] = NAN;
    out.values[REDUCE_MEAN_FRACTION_ABOVE] = NAN;
    out.counts[REDUCE_HITS] = -1;
}

// WalkResult.finish's passage, return and steps-above tallies from each path's passage, first
// return and steps above at times[p * width ...], with the mean running maximum computed by the
// caller. above: steps + 1 ints of scratch, overwritten (steps above are counted per value and
// summed in ascending value, as PathCounts does).
QUIVER_HD void path_statistics(const int* times, int width, const ReduceShape& shape, int* above,
                               double maximum_mean, ReduceOut out) {
    int n = shape.steps;
    int m = shape.paths;
    for (int v = 0; v <= n; v++) above[v] = 0;
    int64_t hits = 0;
    int64_t returns = 0;
    for (int p = 0; p < m; p++) {
        const int* t = times + (long long)p * width;
        hits += t[0] > 0;
        returns += t[1] > 0;
        above[t[2]]++;
    }
    out.values[REDUCE_MAXIMUM_MEAN] = maximum_mean;
    out.values[REDUCE_HIT_PROBABILITY] = shape.has_barrier ? (double)hits / (double)m : NAN;
    out.counts[REDUCE_HITS] = shape.has_barrier ? hits : -1;
    out.values[REDUCE_RETURN_PROBABILITY] = (double)returns / (double)m;
    out.values[REDUCE_MEAN_FRACTION_ABOVE] = weighted_sum(above, n) / ((double)m * (double)n);
}

// A lattice walk: path p's final position at results[p * width], and, when the shape tracks paths,
// its LatticeStats (position, maximum, passage, first return, above) at results[p * width ...].
// scratch: shape.lattice_scratch() ints, overwritten.
QUIVER_HD void reduce_lattice(const int* results, int width, const ReduceShape& shape, double start,
                              int* scratch, ReduceOut out) {
    int n = shape.steps;
    int m = shape.paths;
    int* finals = scratch;
    int* maxima = scratch + 2 * n + 1;
    int* above = maxima + n + 1;
    for (long long v = 0; v < 2LL * n + 1 + (shape.track_paths ? n + 1 : 0); v++) scratch[v] = 0;
    for (int p = 0; p < m; p++) {
        const int* r = results + (long long)p * width;
        finals[r[0] + n]++;
        if (shape.track_paths) maxima[r[1]]++;
    }
    double sum = 0;
    for (int k = -n; k <= n; k++) sum += (double)k * (double)finals[k + n];
    double mean = sum / m;
    double squares = 0;
    int bins = 0;
    for (int k = -n; k <= n; k++) {
        int count = finals[k + n];
        if (count > 0) {
            squares += ((double)k - mean) * ((double)k - mean) * (double)count;
            out.bin(bins++, start + (double)k, count);
        }
    }
    out.counts[REDUCE_BIN_COUNT] = bins;
    out.values[REDUCE_MEAN] = mean + start;
    out.values[REDUCE_VARIANCE] = m > 1 ? squares / (double)(m - 1) : NAN;
    for (int j = 0; j < shape.quantiles; j++) {
        int level = lowest_reaching(finals, 2 * n, shape.ranks[j]) - n;
        out.values[REDUCE_STATISTICS + j] = start + (double)level;
    }
    if (shape.track_paths) {
        path_statistics(results + 2, width, shape, above, weighted_sum(maxima, n) / (double)m, out);
    } else {
        no_path_statistics(out);
    }
}

// Double.compare's order of non-NaN doubles (-0.0 below 0.0) as signed 64-bit integers.
QUIVER_HD int64_t java_order(double x) {
    int64_t bits = (int64_t)double_bits(x);
    return bits ^ (int64_t)((uint64_t)(bits >> 63) >> 1);
}

QUIVER_HD void sift_down(double* a, int root, int n) {
    while (2 * root + 1 < n) {
        int child = 2 * root + 1;
        if (child + 1 < n && java_order(a[child]) < java_order(a[child + 1])) child++;
        if (java_order(a[root]) >= java_order(a[child])) return;
        double t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

// Arrays.sort's ascending order, in place. A heapsort: one thread sorts one simulation's finals
// in its own slice of global memory, with no extra memory and a worst case of m log m; the
// sorted values, not the way there, are what the statistics read.
QUIVER_HD void sort_java_order(double* a, int n) {
    for (int root = n / 2 - 1; root >= 0; root--) sift_down(a, root, n);
    for (int end = n - 1; end > 0; end--) {
        double t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

// What a real-valued walk's paths tracked besides their finals: each path's running maximum, in
// path order, and its passage, first return and steps above at times[3 p ...]; above: steps + 1
// ints of scratch. All null when the shape does not track paths.
struct ContinuousPaths {
    const double* maxima;
    const int* times;
    int* above;
};

// A real-valued walk: the finals of paths 0 .. m - 1 in path order, sorted in place.
QUIVER_HD void reduce_continuous(double* finals, ContinuousPaths tracked, const ReduceShape& shape,
                                 double start, ReduceOut out) {
    int m = shape.paths;
    double sum = 0;
    for (int p = 0; p < m; p++) sum += finals[p];
    double mean = sum / m;
    double squares = 0;
    for (int p = 0; p < m; p++) squares += (finals[p] - mean) * (finals[p] - mean);
    out.values[REDUCE_MEAN] = mean + start;
    out.values[REDUCE_VARIANCE] = m > 1 ? squares / (double)(m - 1) : NAN;
    sort_java_order(finals, m);
    for (int j = 0; j < shape.quantiles; j++) {
        out.values[REDUCE_STATISTICS + j] = start + finals[shape.ranks[j] - 1];
    }
    // LevelHistogram.startEqualWidth and count.
    double low = finals[0];
    double high = finals[m - 1];
    int bins = low == high ? 1 : REDUCE_CONTINUOUS_BINS;
    double width = (high - low) / bins;
    // The finals are sorted: each bin's paths are one run of them.
    int p = 0;
    for (int b = 0; b < bins; b++) {
        int64_t count = 0;
        for (; p < m; p++) {
            int at = width == 0 ? 0 : (int)((finals[p] - low) / width);
            if ((at < bins - 1 ? at : bins - 1) != b) break;
            count++;
        }
        out.bin(b, start + low + ((double)b + 0.5) * width, count);
    }
    out.counts[REDUCE_BIN_COUNT] = bins;
    if (!shape.track_paths) {
        no_path_statistics(out);
        return;
    }
    // WalkResult sums the maxima in path order (maximumSum) before it sorts anything.
    double maximum_sum = 0;
    for (int q = 0; q < m; q++) maximum_sum += tracked.maxima[q];
    path_statistics(tracked.times, 3, shape, tracked.above, maximum_sum / (double)m, out);
}

}  // namespace quiver
