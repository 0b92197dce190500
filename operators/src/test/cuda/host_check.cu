// Runs the CUDA kernels' per-thread functions (operators/src/main/cuda/quiver/*.cuh) on the CPU,
// so that CudaHostCheckTest can compare them bit for bit with the Java kernels: a host-only
// program, built by nvcc with the device build's arithmetic flags (--fmad=false, no fast-math).
//
//   host_check COMMAND IN OUT
//
// reads IN and writes OUT, both raw little-endian binary, one record after another; the record
// layouts are those CudaHostCheckTest writes and reads (see each command below). Exit status 0 on
// success, 2 for bad usage, 1 for unreadable input.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <string>
#include <vector>

#include "quiver/knn.cuh"
#include "quiver/topk.cuh"
#include "quiver/trees.cuh"
#include "quiver/walk.cuh"
#include "quiver/walk_reduce.cuh"

using namespace quiver;

namespace {

struct Reader {
    std::vector<unsigned char> bytes;
    size_t at = 0;

    template <typename T>
    T next() {
        if (at + sizeof(T) > bytes.size()) {
            fprintf(stderr, "host_check: input ends early at byte %zu\n", at);
            exit(1);
        }
        T value;
        memcpy(&value, bytes.data() + at, sizeof(T));
        at += sizeof(T);
        return value;
    }

    template <typename T>
    std::vector<T> array(size_t n) {
        std::vector<T> out(n);
        for (size_t i = 0; i < n; i++) out[i] = next<T>();
        return out;
    }

    bool done() const { return at == bytes.size(); }
};

struct Writer {
    std::vector<unsigned char> bytes;

    template <typename T>
    void put(T value) {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(&value);
        bytes.insert(bytes.end(), p, p + sizeof(T));
    }
};

Reader read_file(const char* path) {
    Reader r;
    FILE* f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "host_check: cannot read %s\n", path);
        exit(1);
    }
    unsigned char buffer[1 << 16];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, f)) > 0) r.bytes.insert(r.bytes.end(), buffer, buffer + n);
    fclose(f);
    return r;
}

void write_file(const char* path, const Writer& w) {
    FILE* f = fopen(path, "wb");
    if (!f || fwrite(w.bytes.data(), 1, w.bytes.size(), f) != w.bytes.size() || fclose(f) != 0) {
        fprintf(stderr, "host_check: cannot write %s\n", path);
        exit(1);
    }
}

// Records (u32 rounds, c0, c1, c2, c3, k0, k1) -> (u32 x0, x1, x2, x3).
void philox(Reader& in, Writer& out) {
    while (!in.done()) {
        uint32_t v[7];
        for (int i = 0; i < 7; i++) v[i] = in.next<uint32_t>();
        PhiloxBlock b = philox4x32((int)v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
        for (int i = 0; i < 4; i++) out.put(b.x[i]);
    }
}

// Records (u64 stream key, u64 sequence, u32 path, u32 count, f64 shape) -> count f64 deviates of
// that path's stream, read in order: normals when shape is NaN, else Gamma(shape) deviates.
void deviates(Reader& in, Writer& out) {
    while (!in.done()) {
        uint64_t key = in.next<uint64_t>();
        uint64_t sequence = in.next<uint64_t>();
        uint32_t path = in.next<uint32_t>();
        uint32_t count = in.next<uint32_t>();
        double shape = in.next<double>();
        PathStream stream;
        stream.reset(key, sequence, path);
        for (uint32_t i = 0; i < count; i++) {
            out.put(shape != shape ? ziggurat_normal(stream) : ziggurat_gamma(stream, shape));
        }
    }
}

// Records (u32 kind, i32 steps, u64 seed, u64 key hash, u64 sequence, u32 path, f64 barrier (NaN:
// none), f64 location, f64 scale, f64 dof, u64 stay, u64 up) -> (f64 final position, f64 maximum,
// i32 position, maximum, passage, first return, above, 0). Kinds: 0 fair final, 1 lattice final,
// 2 Gaussian final, 3 Student-t final, 4 fair path statistics, 5 lattice path statistics, 6
// Gaussian or Student-t (dof NaN or not) path statistics. A lattice path's f64 are its position
// and maximum; a real-valued path's ints are 0, its maximum, passage, first return and above.
void walks(Reader& in, Writer& out) {
    while (!in.done()) {
        uint32_t kind = in.next<uint32_t>();
        int32_t steps = in.next<int32_t>();
        uint64_t seed = in.next<uint64_t>();
        uint64_t key_hash = in.next<uint64_t>();
        uint64_t sequence = in.next<uint64_t>();
        uint32_t path = in.next<uint32_t>();
        double barrier = in.next<double>();
        int lattice_barrier = barrier != barrier ? 0 : (int)barrier;
        double location = in.next<double>();
        double scale = in.next<double>();
        double dof = in.next<double>();
        uint64_t stay = in.next<uint64_t>();
        uint64_t up = in.next<uint64_t>();
        PathStream stream;
        stream.reset(stream_key(seed, key_hash), sequence, path);
        LatticeStats stats;
        stats.reset(0);
        double final_position = 0;
        double maximum = 0;
        switch (kind) {
            case 0: final_position = fair_final(stream, steps); break;
            case 1: final_position = lattice_final(stream, steps, stay, up); break;
            case 2: final_position = gaussian_final(stream, steps, location, scale); break;
            case 3: final_position = student_t_final(stream, steps, location, scale, dof); break;
            case 4: stats = fair_path(stream, steps, lattice_barrier); break;
            case 5: stats = lattice_path(stream, steps, stay, up, lattice_barrier); break;
            case 6: {
                ContinuousStats c = continuous_path(stream, steps, location, scale, dof, barrier);
                final_position = c.position;
                maximum = c.maximum;
                stats.maximum = 0;
                stats.passage = c.passage;
                stats.first_return = c.first_return;
                stats.above = c.above;
                break;
            }
            default:
                fprintf(stderr, "host_check: unknown walk kind %u\n", kind);
                exit(1);
        }
        if (kind == 4 || kind == 5) {
            final_position = stats.position;
            maximum = stats.maximum;
        }
        out.put(final_position);
        out.put(maximum);
        int32_t s[6] = {stats.position, stats.maximum, stats.passage, stats.first_return,
                        stats.above, 0};
        for (int i = 0; i < 6; i++) out.put(s[i]);
    }
}

// Records (u32 kind, i32 steps, i32 paths, i32 width, u32 track paths, u32 has barrier, f64 start,
// i32 quantiles, i64 ranks[quantiles], i32 max bins, then the paths' results: kind 0 (lattice)
// i32 [paths x width], kind 1 (real-valued) f64 finals [paths], and when tracking paths f64 maxima
// [paths] and i32 (passage, first return, above) [paths x 3]) -> (f64 values[6 + quantiles], f64 bin
// levels[max bins], i64 counts[2], i64 bin paths[max bins]): one simulation's statistics, as the
// reduction kernels write them.
void reduce(Reader& in, Writer& out) {
    while (!in.done()) {
        uint32_t kind = in.next<uint32_t>();
        ReduceShape shape{};
        shape.steps = in.next<int32_t>();
        shape.paths = in.next<int32_t>();
        int32_t width = in.next<int32_t>();
        shape.track_paths = in.next<uint32_t>() != 0;
        shape.has_barrier = in.next<uint32_t>() != 0;
        double start = in.next<double>();
        shape.quantiles = in.next<int32_t>();
        std::vector<int64_t> ranks = in.array<int64_t>(shape.quantiles);
        shape.ranks = ranks.data();
        shape.max_bins = in.next<int32_t>();
        std::vector<double> values(shape.value_count() + shape.max_bins);
        std::vector<int64_t> counts(REDUCE_COUNTS + shape.max_bins);
        ReduceOut result{values.data(), counts.data(), values.data() + shape.value_count(),
                         counts.data() + REDUCE_COUNTS, 1};
        if (kind == 0) {
            std::vector<int32_t> results = in.array<int32_t>((size_t)shape.paths * width);
            std::vector<int> scratch(shape.lattice_scratch());
            reduce_lattice(results.data(), width, shape, start, scratch.data(), result);
        } else if (kind == 1) {
            std::vector<double> finals = in.array<double>(shape.paths);
            std::vector<double> maxima;
            std::vector<int32_t> times;
            std::vector<int> above;
            ContinuousPaths tracked{nullptr, nullptr, nullptr};
            if (shape.track_paths) {
                maxima = in.array<double>(shape.paths);
                times = in.array<int32_t>((size_t)shape.paths * 3);
                above.resize(shape.steps + 1);
                tracked = ContinuousPaths{maxima.data(), times.data(), above.data()};
            }
            reduce_continuous(finals.data(), tracked, shape, start, result);
        } else {
            fprintf(stderr, "host_check: unknown reduction kind %u\n", kind);
            exit(1);
        }
        for (double v : values) out.put(v);
        for (int64_t c : counts) out.put(c);
    }
}

// (i32 node count, tree count, feature count, margin count, row count; i32 feature[nodes];
// f32 threshold[nodes]; i32 left[nodes]; u8 default_left[nodes]; f32 value[nodes]; i32 root[trees],
// depth[trees], group[trees]; f32 base margin[margins]; f32 rows[rows x features]) ->
// f32 margins[rows x margins].
void trees(Reader& in, Writer& out) {
    int32_t node_count = in.next<int32_t>();
    int32_t tree_count = in.next<int32_t>();
    int32_t feature_count = in.next<int32_t>();
    int32_t margin_count = in.next<int32_t>();
    int32_t row_count = in.next<int32_t>();
    std::vector<int32_t> feature = in.array<int32_t>(node_count);
    std::vector<float> threshold = in.array<float>(node_count);
    std::vector<int32_t> left = in.array<int32_t>(node_count);
    std::vector<uint8_t> default_left = in.array<uint8_t>(node_count);
    std::vector<float> value = in.array<float>(node_count);
    std::vector<int32_t> root = in.array<int32_t>(tree_count);
    std::vector<int32_t> depth = in.array<int32_t>(tree_count);
    std::vector<int32_t> group = in.array<int32_t>(tree_count);
    std::vector<float> base = in.array<float>(margin_count);
    std::vector<float> rows = in.array<float>((size_t)row_count * feature_count);
    TreeNodes nodes{feature.data(), threshold.data(), left.data(), default_left.data(),
                    value.data()};
    TreeList list{root.data(), depth.data(), group.data(), tree_count};
    std::vector<float> margins(margin_count);
    for (int r = 0; r < row_count; r++) {
        tree_margins(rows.data() + (size_t)r * feature_count, nodes, list, base.data(),
                     margin_count, margins.data());
        for (int k = 0; k < margin_count; k++) out.put(margins[k]);
    }
}

// Records (i32 d, f32 a[d], f32 b[d]) -> f32 squared distance.
void distances(Reader& in, Writer& out) {
    while (!in.done()) {
        int32_t d = in.next<int32_t>();
        std::vector<float> a = in.array<float>(d);
        std::vector<float> b = in.array<float>(d);
        out.put(squared_l2(a.data(), b.data(), d));
    }
}

// Records (i32 k, i32 n, i32 lanes, i32 chunk length, f32 distances[n], u8 live[n]) -> k x (f32
// distance, i32 slot): quiver_topk's selection by teams of `lanes` lanes run one after another,
// as DeviceTopK launches it: one pass when the row is one chunk, else one over its chunks and a
// merge pass over their selections.
void select(Reader& in, Writer& out) {
    while (!in.done()) {
        int32_t k = in.next<int32_t>();
        int32_t n = in.next<int32_t>();
        int32_t lanes = in.next<int32_t>();
        int32_t chunk_length = in.next<int32_t>();
        std::vector<float> row = in.array<float>(n);
        std::vector<uint8_t> live = in.array<uint8_t>(n);
        int chunks = n <= chunk_length ? 1 : (n + chunk_length - 1) / chunk_length;
        int width = topk_width(k, lanes);
        std::vector<int32_t> memory((TopKLists::bytes(width) + 3) / 4);
        TopKLists lists = topk_lists_at(memory.data(), width);
        SequentialTeam team{lanes};
        std::vector<float> distances((size_t)chunks * k);
        std::vector<int> slots((size_t)chunks * k);
        TopKRows rows{row.data(), nullptr, live.data(), n};
        for (int c = 0; c < chunks; c++) {
            topk_chunk(team, lists, rows, 0, c, chunks, chunk_length, k, distances.data(),
                       slots.data());
        }
        if (chunks > 1) {
            TopKRows selections{distances.data(), slots.data(), nullptr, chunks * k};
            std::vector<float> merged_distances(k);
            std::vector<int> merged_slots(k);
            topk_chunk(team, lists, selections, 0, 0, 1, chunks * k, k, merged_distances.data(),
                       merged_slots.data());
            distances = merged_distances;
            slots = merged_slots;
        }
        for (int i = 0; i < k; i++) {
            out.put(distances[i]);
            out.put((int32_t)slots[i]);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: host_check philox|deviates|walks|reduce|trees|distances|select IN OUT\n");
        return 2;
    }
    std::string command = argv[1];
    Reader in = read_file(argv[2]);
    Writer out;
    if (command == "philox") {
        philox(in, out);
    } else if (command == "deviates") {
        deviates(in, out);
    } else if (command == "walks") {
        walks(in, out);
    } else if (command == "reduce") {
        reduce(in, out);
    } else if (command == "trees") {
        trees(in, out);
    } else if (command == "distances") {
        distances(in, out);
    } else if (command == "select") {
        select(in, out);
    } else {
        fprintf(stderr, "host_check: unknown command %s\n", argv[1]);
        return 2;
    }
    write_file(argv[3], out);
    return 0;
}
