// Quiver's device kernels: one thread per (simulation, path) or simulation, per row or per
// (query, point); one block per query for the top-k. The per-thread
// math is the __host__ __device__ code of quiver/*.cuh, which host_check.cu runs on the CPU
// against the Java kernels. extern "C" keeps the names a driver-API loader looks up unmangled.
//
// Built into one fatbin (sm_80 and sm_90 machine code, compute_90 PTX) by the operators module's
// Maven build with --fmad=false; see docs/architecture.md, "CUDA kernels".
//
// This file also ships beside the fatbin: dev.quiver.compute.cuda.KernelSignatures reads each
// `extern "C" __global__ void name(...) {` below and checks every launch's arguments against it
// (count, order, kind), so every kernel keeps that form, with parameters of int, int32_t,
// long long, int64_t, uint64_t, float, double or pointer type.
#include "quiver/knn.cuh"
#include "quiver/topk.cuh"
#include "quiver/trees.cuh"
#include "quiver/walk.cuh"
#include "quiver/walk_reduce.cuh"

using namespace quiver;

namespace {

__device__ __forceinline__ long long global_index() {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ PathStream path_stream(uint64_t seed, uint64_t key_hash,
                                                  uint64_t sequence, int path) {
    PathStream stream;
    stream.reset(stream_key(seed, key_hash), sequence, (uint32_t)path);
    return stream;
}

}  // namespace

// The walk kernels run a batch: simulations 0 .. count - 1 of one law, simulation i with the
// stream of (seed, key_hashes[i], sequences[i]), one thread per (simulation, path) writing path p
// of simulation i at slot i * paths + p of device scratch; then one reduction thread per
// simulation turns its paths into the statistics (quiver/walk_reduce.cuh).

// This thread's slot (simulation i, path p at i * paths + p) and that path's stream, false past
// the batch's count * paths threads.
__device__ __forceinline__ bool batch_path(uint64_t seed, const uint64_t* key_hashes,
                                           const uint64_t* sequences, int count, int paths,
                                           long long* slot, PathStream* stream) {
    long long t = global_index();
    if (t >= (long long)count * paths) return false;
    *slot = t;
    int i = (int)(t / paths);
    *stream = path_stream(seed, key_hashes[i], sequences[i], (int)(t % paths));
    return true;
}

// Final positions of the fair +-1 walk.
extern "C" __global__ void quiver_walk_fair_final(uint64_t seed, const uint64_t* key_hashes,
                                                  const uint64_t* sequences, int count, int steps,
                                                  int paths, int* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    out[slot] = fair_final(stream, steps);
}

// A lattice path's statistics at out[5 slot ...]: position, maximum, passage, first return, above.
__device__ __forceinline__ void store_lattice_path(const LatticeStats& s, long long slot, int* out) {
    int* o = out + 5 * slot;
    o[0] = s.position;
    o[1] = s.maximum;
    o[2] = s.passage;
    o[3] = s.first_return;
    o[4] = s.above;
}

// Path statistics of the fair +-1 walk.
extern "C" __global__ void quiver_walk_fair_path(uint64_t seed, const uint64_t* key_hashes,
                                                 const uint64_t* sequences, int count, int steps,
                                                 int barrier, int paths, int* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    store_lattice_path(fair_path(stream, steps, barrier), slot, out);
}

// Final positions of a lazy or biased lattice walk (thresholds out of 2^32).
extern "C" __global__ void quiver_walk_lattice_final(uint64_t seed, const uint64_t* key_hashes,
                                                     const uint64_t* sequences, int count,
                                                     int steps, uint64_t stay, uint64_t up,
                                                     int paths, int* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    out[slot] = lattice_final(stream, steps, stay, up);
}

// Path statistics of a lazy or biased lattice walk, laid out as the fair walk's.
extern "C" __global__ void quiver_walk_lattice_path(uint64_t seed, const uint64_t* key_hashes,
                                                    const uint64_t* sequences, int count,
                                                    int steps, uint64_t stay, uint64_t up,
                                                    int barrier, int paths, int* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    store_lattice_path(lattice_path(stream, steps, stay, up, barrier), slot, out);
}

// Final positions of a Gaussian walk (dof NaN) or a Student-t walk on dof degrees of freedom.
extern "C" __global__ void quiver_walk_continuous_final(uint64_t seed, const uint64_t* key_hashes,
                                                        const uint64_t* sequences, int count,
                                                        int steps, double location, double scale,
                                                        double dof, int paths, double* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    out[slot] = dof != dof ? gaussian_final(stream, steps, location, scale)
                           : student_t_final(stream, steps, location, scale, dof);
}

// Where a batch of real-valued paths keeps what it tracked, after its finals at out[slot]: the
// maxima at out[slots + slot], then passage, first return and steps above as ints at 3 slot.
__device__ __forceinline__ ContinuousPaths continuous_paths(double* out, long long slots,
                                                            int* above) {
    return ContinuousPaths{out + slots, reinterpret_cast<const int*>(out + 2 * slots), above};
}

// Path statistics of a Gaussian (dof NaN) or Student-t walk; barrier NaN: none. Writes
// count x paths finals, then maxima, then (passage, first return, above) ints.
extern "C" __global__ void quiver_walk_continuous_path(uint64_t seed, const uint64_t* key_hashes,
                                                       const uint64_t* sequences, int count,
                                                       int steps, double location, double scale,
                                                       double dof, double barrier, int paths,
                                                       double* out) {
    long long slot;
    PathStream stream;
    if (!batch_path(seed, key_hashes, sequences, count, paths, &slot, &stream)) return;
    ContinuousStats s = continuous_path(stream, steps, location, scale, dof, barrier);
    long long slots = (long long)count * paths;
    out[slot] = s.position;
    out[slots + slot] = s.maximum;
    int* times = reinterpret_cast<int*>(out + 2 * slots) + 3 * slot;
    times[0] = s.passage;
    times[1] = s.first_return;
    times[2] = s.above;
}

// The shape of a reduction launch, from its scalar arguments.
__device__ __forceinline__ ReduceShape reduce_shape(int steps, int paths, const int64_t* ranks,
                                                    int quantiles, int max_bins, int track_paths,
                                                    int has_barrier) {
    return ReduceShape{steps, paths, quantiles, max_bins, ranks, track_paths != 0,
                       has_barrier != 0};
}

// Statistics of each lattice simulation from `width` ints a path (1: finals, 5: fair_path's),
// one thread a simulation with shape.lattice_scratch() ints of scratch: values[count x
// value_count()], counts[count x REDUCE_COUNTS], and bins bin-major (bin b of simulation i at
// b * count + i; max_bins rows).
extern "C" __global__ void quiver_walk_reduce_lattice(const int* results, int width, int count,
                                                      int steps, int paths, const double* starts,
                                                      const int64_t* ranks, int quantiles,
                                                      int max_bins, int track_paths,
                                                      int has_barrier, int* scratch,
                                                      double* values, int64_t* counts,
                                                      double* levels, int64_t* bin_paths) {
    long long i = global_index();
    if (i >= count) return;
    ReduceShape shape =
        reduce_shape(steps, paths, ranks, quantiles, max_bins, track_paths, has_barrier);
    ReduceOut out{values + i * shape.value_count(), counts + i * REDUCE_COUNTS, levels + i,
                  bin_paths + i, count};
    reduce_lattice(results + i * paths * width, width, shape, starts[i],
                   scratch + i * shape.lattice_scratch(), out);
}

// Statistics of each real-valued simulation from its finals, which it sorts in place, and, when
// tracking paths, the rest of quiver_walk_continuous_path's output, with steps + 1 ints of
// scratch a simulation.
extern "C" __global__ void quiver_walk_reduce_continuous(double* finals, int count, int steps,
                                                         int paths, const double* starts,
                                                         const int64_t* ranks, int quantiles,
                                                         int track_paths, int has_barrier,
                                                         int* scratch, double* values,
                                                         int64_t* counts, double* levels,
                                                         int64_t* bin_paths) {
    long long i = global_index();
    if (i >= count) return;
    ReduceShape shape = reduce_shape(steps, paths, ranks, quantiles, REDUCE_CONTINUOUS_BINS,
                                     track_paths, has_barrier);
    ReduceOut out{values + i * shape.value_count(), counts + i * REDUCE_COUNTS, levels + i,
                  bin_paths + i, count};
    ContinuousPaths tracked{nullptr, nullptr, nullptr};
    if (shape.track_paths) {
        ContinuousPaths all = continuous_paths(finals, (long long)count * paths, scratch);
        tracked = ContinuousPaths{all.maxima + i * paths, all.times + 3 * i * paths,
                                  scratch + i * (steps + 1)};
    }
    reduce_continuous(finals + i * paths, tracked, shape, starts[i], out);
}

// Margins of rows 0 .. row_count - 1 (row-major, feature_count floats each) into
// margins[row * margin_count + k]. The caller refuses NaN rows for a model without a missing rule.
extern "C" __global__ void quiver_tree_margins(const float* rows, int row_count, int feature_count,
                                               const int32_t* feature, const float* threshold,
                                               const int32_t* left, const uint8_t* default_left,
                                               const float* value, const int32_t* tree_root,
                                               const int32_t* tree_depth,
                                               const int32_t* tree_group, int tree_count,
                                               const float* base_margins, int margin_count,
                                               float* margins) {
    long long r = global_index();
    if (r >= row_count) return;
    TreeNodes nodes{feature, threshold, left, default_left, value};
    TreeList trees{tree_root, tree_depth, tree_group, tree_count};
    tree_margins(rows + r * feature_count, nodes, trees, base_margins, margin_count,
                 margins + r * margin_count);
}

// out[q * point_count + i] = squared_l2(query q, point i): a 2-D grid, x over points, y over
// queries, so a warp reads consecutive points of one query.
extern "C" __global__ void quiver_squared_distances(const float* queries, int query_count,
                                                    const float* points, int point_count, int d,
                                                    float* out) {
    long long i = global_index();
    long long q = (long long)blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= point_count || q >= query_count) return;
    out[q * point_count + i] = squared_l2(queries + q * d, points + i * d, d);
}

// Squared norms of rows 0 .. count - 1 (d floats each), summed in coordinate order in float32:
// the |x|^2 and |q|^2 of the GEMM form of the distances.
extern "C" __global__ void quiver_row_norms(const float* rows, int count, int d, float* norms) {
    long long r = global_index();
    if (r >= count) return;
    const float* row = rows + r * d;
    float sum = 0.0f;
    for (int k = 0; k < d; k++) {
        float x = row[k];
        sum += x * x;
    }
    norms[r] = sum;
}

// Turns dots[q * point_count + i] = q . x_i (from cuBLAS) into squared distances in place:
// max(0, (|q|^2 + |x_i|^2) - 2 q . x_i), the ND4J backend's formula; +inf for a dead slot
// (live[i] == 0; live null: every slot is live). A 2-D grid like quiver_squared_distances.
extern "C" __global__ void quiver_gemm_distances(const float* query_norms, int query_count,
                                                 const float* point_norms, const uint8_t* live,
                                                 int point_count, float* dots) {
    long long i = global_index();
    long long q = (long long)blockIdx.y * blockDim.y + threadIdx.y;
    if (i >= point_count || q >= query_count) return;
    long long at = q * point_count + i;
    if (live != nullptr && live[i] == 0) {
        dots[at] = INFINITY;
        return;
    }
    float distance = (query_norms[q] + point_norms[i]) - 2.0f * dots[at];
    dots[at] = distance > 0.0f ? distance : 0.0f;
}

// Compaction of a point block: row (and norm) from[j] of `in` to row j of `out`, j < count.
extern "C" __global__ void quiver_gather_rows(const float* in, const float* in_norms,
                                              const int* from, int count, int d, float* out,
                                              float* out_norms) {
    long long j = global_index();
    if (j >= count) return;
    const float* source = in + (long long)from[j] * d;
    float* target = out + j * d;
    for (int k = 0; k < d; k++) {
        target[k] = source[k];
    }
    out_norms[j] = in_norms[from[j]];
}

// The k best (distance, slot) of each chunk of chunk_length entries of each query's row (rows of
// row_length entries; entry i is slot i, dead where live[i] == 0 (live null: all live), or, with
// `slots`, slot slots[i], dead where -1), ascending, slot -1 at +inf where a chunk has fewer than k
// live: block (c, q) for chunk c of query q (grid x over chunks, y over queries), the threads
// scanning its entries in coalesced strides (quiver/topk.cuh). One chunk gives each query's top k;
// several give each chunk's, which a second launch over those (one chunk of gridDim.x * k, with
// their slots) merges. Dynamic shared memory: TopKLists::bytes(width), width = topk_width(k,
// blockDim.x) (16 KiB for k = 1,024 and 256 threads).
extern "C" __global__ void quiver_topk(const float* distances, const int* slots,
                                       const uint8_t* live, int row_length, int chunk_length,
                                       int k, int width, float* out_distances, int* out_slots) {
    extern __shared__ __align__(16) unsigned char shared[];
    if (k < 1 || k > width) return;
    BlockTeam team;
    TopKRows rows{distances, slots, live, row_length};
    topk_chunk(team, topk_lists_at(shared, width), rows, blockIdx.y, blockIdx.x, gridDim.x,
               chunk_length, k, out_distances, out_slots);
}
