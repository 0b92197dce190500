// Top-k selection of one row of distances by a team of lanes (a thread block on the device, a
// sequential loop on the host), ascending by (distance, slot) as dev.quiver.compute.NearestHeap
// orders the compute kernels' neighbours (ties by slot, the smaller first).
//
// The team keeps a sorted list of the `width` best candidates so far (width: a power of two, at
// least k and at least the lanes) and a queue of as many entries. Lanes scan the row in coalesced
// strides of `lanes` slots; a live slot that ranks before the current k-th best is appended to the
// queue. When the next stride could overflow the queue (and at the end), the queue is padded,
// bitonic-sorted, merged into the list (the minimum of list[i] and queue[width-1-i] is the width
// best, as a bitonic sequence) and the list re-sorted by a bitonic merge. The order is total (slots
// are distinct), so whichever order lanes append in, the k best and their order are the same.
#pragma once

#include <limits.h>

#include "common.cuh"

namespace quiver {

// The list's empty entries: after every live slot, whatever its distance (+inf included).
#define QUIVER_TOPK_EMPTY_SLOT INT_MAX

// Whether (distance_a, slot_a) ranks after (distance_b, slot_b): farther, or as far and a later
// slot. -0.0f and 0.0f are as far, as in Java's != on floats.
QUIVER_HD bool slot_comes_after(float distance_a, int slot_a, float distance_b, int slot_b) {
    if (distance_a != distance_b) {
        return distance_a > distance_b;
    }
    return slot_a > slot_b;
}

// The shared memory of one selection: list and queue, `width` entries each, and the queue's fill.
struct TopKLists {
    float* list_distances;
    int* list_slots;
    float* queue_distances;
    int* queue_slots;
    int* queued;
    int width;

    // Bytes of shared memory a selection of this width takes (see topk_lists_at).
    static QUIVER_HD size_t bytes(int width) {
        return (size_t)width * 2 * (sizeof(float) + sizeof(int)) + sizeof(int);
    }
};

// The lists laid out in `memory` (TopKLists::bytes(width) bytes, 4-byte aligned).
QUIVER_HD TopKLists topk_lists_at(void* memory, int width) {
    float* distances = (float*)memory;
    int* slots = (int*)(distances + 2 * width);
    return TopKLists{distances, slots, distances + width, slots + width, slots + 2 * width, width};
}

// The list width for k: the next power of two at least k and at least `lanes` (a power of two),
// so that one stride of the scan always fits an emptied queue.
QUIVER_HD int topk_width(int k, int lanes) {
    int width = lanes;
    while (width < k) {
        width *= 2;
    }
    return width;
}

// Compare-exchange t (0 .. n/2 - 1) of the bitonic network's step (size, stride) on the n entries
// at (distances, slots): pair (i, i + stride), put in ascending order where bit `size` of i is 0
// and descending where it is 1 (for size == n, all ascending).
QUIVER_HD void bitonic_exchange(float* distances, int* slots, int t, int size, int stride) {
    int i = 2 * t - (t & (stride - 1));
    int j = i + stride;
    bool ascending = (i & size) == 0;
    if (slot_comes_after(distances[i], slots[i], distances[j], slots[j]) == ascending) {
        float d = distances[i];
        distances[i] = distances[j];
        distances[j] = d;
        int s = slots[i];
        slots[i] = slots[j];
        slots[j] = s;
    }
}

// Sorts n entries (a power of two) ascending, or only the final merge (size == n) when the
// entries already form a bitonic sequence. Each step is one team phase of n/2 exchanges.
template <class Team>
QUIVER_HD void bitonic_sort(Team& team, float* distances, int* slots, int n, bool merge_only) {
    for (int size = merge_only ? n : 2; size <= n; size *= 2) {
        for (int stride = size / 2; stride > 0; stride /= 2) {
            team.each(n / 2, [&](int t) { bitonic_exchange(distances, slots, t, size, stride); });
        }
    }
}

// Folds the queue into the list: pads, sorts, keeps the width best, re-sorts, empties the queue.
template <class Team>
QUIVER_HD void topk_flush(Team& team, TopKLists& lists) {
    int width = lists.width;
    int queued = *lists.queued;
    team.each(width - queued, [&](int t) {
        lists.queue_distances[queued + t] = INFINITY;
        lists.queue_slots[queued + t] = QUIVER_TOPK_EMPTY_SLOT;
    });
    bitonic_sort(team, lists.queue_distances, lists.queue_slots, width, false);
    team.each(width, [&](int i) {
        int j = width - 1 - i;
        if (slot_comes_after(lists.list_distances[i], lists.list_slots[i],
                             lists.queue_distances[j], lists.queue_slots[j])) {
            lists.list_distances[i] = lists.queue_distances[j];
            lists.list_slots[i] = lists.queue_slots[j];
        }
    });
    bitonic_sort(team, lists.list_distances, lists.list_slots, width, true);
    team.each(1, [&](int) { *lists.queued = 0; });
}

// Rows of candidates: query q's row is entries [q * length, (q + 1) * length) of `distances`. Entry
// i of a row is slot i, live by `live` (a byte a slot, 0 dead; null: all live), or, where `slots`
// is given (a merge pass over chunks' selections), slot slots[i], live unless -1.
struct TopKRows {
    const float* distances;
    const int* slots;
    const uint8_t* live;
    int length;
};

// The k best live candidates of entries [first, first + count) of query q's row into
// out_distances / out_slots[0 .. k-1], ascending; slot -1 at +inf where fewer than k are live.
template <class Team>
QUIVER_HD void topk_select(Team& team, TopKLists lists, TopKRows rows, int q, int first, int count,
                           int k, float* out_distances, int* out_slots) {
    const float* row = rows.distances + (long long)q * rows.length + first;
    const int* row_slots =
        rows.slots == nullptr ? nullptr : rows.slots + (long long)q * rows.length + first;
    team.each(lists.width, [&](int i) {
        lists.list_distances[i] = INFINITY;
        lists.list_slots[i] = QUIVER_TOPK_EMPTY_SLOT;
    });
    team.each(1, [&](int) { *lists.queued = 0; });
    int lanes = team.lanes();
    for (int start = 0; start < count; start += lanes) {
        int queued = *lists.queued;
        team.sync();  // every lane has read the fill before any appends again
        if (queued + lanes > lists.width) {
            topk_flush(team, lists);
        }
        // The k-th best so far; the list changes only in a flush, between phases.
        float bound_distance = lists.list_distances[k - 1];
        int bound_slot = lists.list_slots[k - 1];
        int stride = count - start < lanes ? count - start : lanes;
        team.each(stride, [&](int t) {
            int i = start + t;
            int slot = row_slots == nullptr ? first + i : row_slots[i];
            bool live = row_slots == nullptr ? rows.live == nullptr || rows.live[slot] != 0
                                             : slot >= 0;
            float distance = row[i];
            if (live && slot_comes_after(bound_distance, bound_slot, distance, slot)) {
                int at = team.append(lists.queued);
                lists.queue_distances[at] = distance;
                lists.queue_slots[at] = slot;
            }
        });
    }
    if (*lists.queued > 0) {
        team.sync();  // as above: the fill is read before the flush resets it
        topk_flush(team, lists);
    }
    team.each(k, [&](int i) {
        bool empty = lists.list_slots[i] == QUIVER_TOPK_EMPTY_SLOT;
        out_distances[i] = empty ? INFINITY : lists.list_distances[i];
        out_slots[i] = empty ? -1 : lists.list_slots[i];
    });
}

// Block (q, c) of a selection over `chunks` chunks of chunk_length entries a row: the k best of
// chunk c of query q's row into entries (q * chunks + c) * k ... of the outputs. With one chunk,
// each query's top k; with several, each chunk's, which a second pass over those rows (chunks * k
// entries, with their slots) merges into the query's.
template <class Team>
QUIVER_HD void topk_chunk(Team& team, TopKLists lists, TopKRows rows, int q, int c, int chunks,
                          int chunk_length, int k, float* out_distances, int* out_slots) {
    int first = c * chunk_length;
    int count = rows.length - first < chunk_length ? rows.length - first : chunk_length;
    long long out = ((long long)q * chunks + c) * k;
    topk_select(team, lists, rows, q, first, count, k, out_distances + out, out_slots + out);
}

// The host's team: lanes run one after another, so a phase is a loop and appends need no atomics.
struct SequentialTeam {
    int lane_count;

    QUIVER_HD int lanes() const { return lane_count; }
    QUIVER_HD void sync() {}

    template <class F>
    QUIVER_HD void each(int count, F f) {
        for (int i = 0; i < count; i++) f(i);
    }

    QUIVER_HD int append(int* queued) { return (*queued)++; }
};

#if defined(__CUDACC__)
// A thread block: a phase spreads its items over the threads and ends at a barrier.
struct BlockTeam {
    __device__ int lanes() const { return blockDim.x; }
    __device__ void sync() { __syncthreads(); }

    template <class F>
    __device__ void each(int count, F f) {
        for (int i = threadIdx.x; i < count; i += blockDim.x) f(i);
        __syncthreads();
    }

    __device__ int append(int* queued) { return atomicAdd(queued, 1); }
};
#endif

}  // namespace quiver
