// The squared L2 distance of exact nearest-neighbour search, as dev.quiver.compute.SquaredL2.distance
// computes it (the top-k selection is topk.cuh).
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

}  // namespace quiver
