// Quiver's device kernels: one thread per path, per row or per (query, point); one block per
// query for the top-k. The per-thread
// math is the __host__ __device__ code of quiver/*.cuh, which host_check.cu runs on the CPU
// against the Java kernels. extern "C" keeps the names a driver-API loader looks up unmangled.
//
// Built into one fatbin (sm_80 and sm_90 machine code, compute_90 PTX) by the operators module's
// Maven build with --fmad=false; see docs/architecture.md, "CUDA kernels".
#include "quiver/knn.cuh"
#include "quiver/topk.cuh"
#include "quiver/trees.cuh"
#include "quiver/walk.cuh"

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

// Final positions of paths 0 .. paths - 1 of the fair +-1 walk.
extern "C" __global__ void quiver_walk_fair_final(uint64_t seed, uint64_t key_hash,
                                                  uint64_t sequence, int steps, int paths,
                                                  int* out) {
    long long p = global_index();
    if (p >= paths) return;
    out[p] = fair_final(path_stream(seed, key_hash, sequence, (int)p), steps);
}

// Path statistics of the fair +-1 walk: position, maximum, passage, first return, steps above.
extern "C" __global__ void quiver_walk_fair_path(uint64_t seed, uint64_t key_hash,
                                                 uint64_t sequence, int steps, int barrier,
                                                 int paths, int* out) {
    long long p = global_index();
    if (p >= paths) return;
    LatticeStats s = fair_path(path_stream(seed, key_hash, sequence, (int)p), steps, barrier);
    int* o = out + 5 * p;
    o[0] = s.position;
    o[1] = s.maximum;
    o[2] = s.passage;
    o[3] = s.first_return;
    o[4] = s.above;
}

// Final positions of a lazy or biased lattice walk (thresholds out of 2^32).
extern "C" __global__ void quiver_walk_lattice_final(uint64_t seed, uint64_t key_hash,
                                                     uint64_t sequence, int steps, uint64_t stay,
                                                     uint64_t up, int paths, int* out) {
    long long p = global_index();
    if (p >= paths) return;
    PathStream stream = path_stream(seed, key_hash, sequence, (int)p);
    out[p] = lattice_final(stream, steps, stay, up);
}

// Final positions of a Gaussian walk (dof NaN) or a Student-t walk on dof degrees of freedom.
extern "C" __global__ void quiver_walk_continuous_final(uint64_t seed, uint64_t key_hash,
                                                        uint64_t sequence, int steps,
                                                        double location, double scale, double dof,
                                                        int paths, double* out) {
    long long p = global_index();
    if (p >= paths) return;
    PathStream stream = path_stream(seed, key_hash, sequence, (int)p);
    out[p] = dof != dof ? gaussian_final(stream, steps, location, scale)
                        : student_t_final(stream, steps, location, scale, dof);
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
