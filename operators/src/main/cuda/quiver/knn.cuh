// Squared L2 distance and the top-k merge step of exact nearest-neighbour search, as
// dev.quiver.compute.SquaredL2.distance and NearestHeap / NeighborBuffer order them.
#pragma once

#include "common.cuh"

namespace quiver {

// The direct formula in float32, coordinates in order: sum += (a_k - b_k)^2. The exact re-rank of
// BruteForceKnn and the kd-tree use this sum, so its order is fixed (no pairwise or tree sum).
QUIVER_HD float squared_l2(const float* a, const float* b, int d) {
    float sum = 0.0f;
    for (int k = 0; k < d; k++) {
        float diff = a[k] - b[k];
        sum += diff * diff;
    }
    return sum;
}

// Whether neighbour (distance_a, rank_a) comes after (distance_b, rank_b): by distance, then by
// id. Java compares the id strings; a device holds each point's rank in the sorted order of ids
// instead, which orders the same way (NeighborBuffer.comesAfter).
QUIVER_HD bool neighbor_comes_after(float distance_a, int64_t rank_a, float distance_b,
                                    int64_t rank_b) {
    if (distance_a != distance_b) {
        return distance_a > distance_b;
    }
    return rank_a > rank_b;
}

// Inserts (distance, rank) into the list of the k best so far, ascending by (distance, rank), of
// `size` entries (at most k), keeping the k best: the merge step of a bounded top-k. Returns
// whether the list changed. Equal (distance, rank) pairs cannot occur: ranks are distinct.
QUIVER_HD bool topk_insert(float* distances, int64_t* ranks, int* size, int k, float distance,
                           int64_t rank) {
    int n = *size;
    if (n == k) {
        if (!neighbor_comes_after(distances[k - 1], ranks[k - 1], distance, rank)) {
            return false;
        }
        n--;  // the worst entry drops out
    }
    int i = n;
    while (i > 0 && neighbor_comes_after(distances[i - 1], ranks[i - 1], distance, rank)) {
        distances[i] = distances[i - 1];
        ranks[i] = ranks[i - 1];
        i--;
    }
    distances[i] = distance;
    ranks[i] = rank;
    *size = n + 1;
    return true;
}

}  // namespace quiver
