// nanoflann peer for Quiver's kd-tree benchmarks: the same points and queries that make_data.py
// writes (raw little-endian float32, row-major), squared L2, k = 10 by default.
//
// Figures (one "result" line each, parsed by report.py):
//   build            KDTreeSingleIndexAdaptor over all n points at once, points/s
//   knn_exact        knnSearch(k) for every query, one at a time, queries/s (median of repeats)
//   insert           KDTreeSingleIndexDynamicAdaptor (logarithmic method: 2^i-sized static trees
//                    rebuilt as they merge), addPoints(i, i) for every point one by one, from
//                    empty, points/s amortised over all rebuilds
//   mixed_90_10      the dynamic index holding all n points, then a stream of 9 knnSearch + 1
//                    addPoints of a fresh point from {data}_stream.f32, operations/s
//
// Leaf size: 10 (nanoflann's default leaf_max_size). Dimension: a compile-time DIM for d in
// {3, 16, 128} (what a nanoflann user with fixed-size points writes; the fastest configuration),
// any other d, or --runtime-dim, uses DIM = -1. Single thread: nanoflann 1.4 builds and searches on
// the calling thread only; run_peers.sh pins the process to one core as well.
//
// Build: see build.sh (g++ -O3 -march=native -DNDEBUG).
// Usage: nanoflann_knn DATA_DIR DATA N D [--k 10] [--leaf 10] [--repeats 5] [--runtime-dim]
//                      [--skip-dynamic]

#include <nanoflann.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr size_t kQueryCount = 10000;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<float> read_rows(const std::string& path, size_t rows, size_t d) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        throw std::runtime_error("cannot open " + path + " (run make_data.py first)");
    }
    const size_t bytes = rows * d * sizeof(float);
    if (static_cast<size_t>(in.tellg()) != bytes) {
        throw std::runtime_error(path + ": expected " + std::to_string(bytes) + " bytes");
    }
    std::vector<float> v(rows * d);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
    return v;  // x86 is little-endian, the files' byte order
}

// nanoflann's dataset adaptor over a flat row-major store; count is what the index may see.
struct FlatPoints {
    const float* coords;
    size_t d;
    size_t count;

    size_t kdtree_get_point_count() const { return count; }
    float kdtree_get_pt(size_t i, size_t dim) const { return coords[i * d + dim]; }
    template <class BBox>
    bool kdtree_get_bbox(BBox&) const { return false; }
};

struct Options {
    std::string dir, data;
    size_t n = 0, d = 0, k = 10, leaf = 10;
    int repeats = 5;
    bool runtime_dim = false, skip_dynamic = false;
};

void print(const Options& o, const char* figure, double value, const char* unit, const char* extra) {
    std::printf("result peer=nanoflann figure=%s data=%s n=%zu d=%zu k=%zu value=%.1f unit=%s leaf=%zu %s\n",
                figure, o.data.c_str(), o.n, o.d, o.k, value, unit, o.leaf, extra);
    std::fflush(stdout);
}

// Metric: nanoflann documents L2_Simple_Adaptor for 2-3 dimensional data and L2_Adaptor (4-way
// unrolled) for higher dimensions; each d gets the one nanoflann recommends for it.
template <int DIM, class Metric>
void run(const Options& o, const std::vector<float>& points, const std::vector<float>& queries,
         const std::vector<float>& stream) {
    char dim_kind[96];
    std::snprintf(dim_kind, sizeof dim_kind, "dim=%s metric=%s", DIM > 0 ? "compile-time" : "runtime",
                  o.d <= 3 ? "L2_Simple" : "L2");
    std::vector<uint32_t> idx(o.k);
    std::vector<float> dist(o.k);
    uint64_t checksum = 0;

    // Static index: build once, then all queries, several times.
    FlatPoints source{points.data(), o.d, o.n};
    auto t0 = Clock::now();
    nanoflann::KDTreeSingleIndexAdaptor<Metric, FlatPoints, DIM, uint32_t> tree(
        static_cast<int>(o.d), source, nanoflann::KDTreeSingleIndexAdaptorParams(o.leaf));
    double build_s = seconds_since(t0);
    print(o, "build", o.n / build_s, "points/s", dim_kind);

    std::vector<double> rates;
    for (int r = 0; r < o.repeats; r++) {
        t0 = Clock::now();
        for (size_t q = 0; q < kQueryCount; q++) {
            tree.knnSearch(&queries[q * o.d], o.k, idx.data(), dist.data());
            checksum += idx[0];
        }
        rates.push_back(kQueryCount / seconds_since(t0));
    }
    std::sort(rates.begin(), rates.end());
    char extra[160];
    std::snprintf(extra, sizeof extra, "%s repeats=%d best=%.1f", dim_kind, o.repeats, rates.back());
    print(o, "knn_exact", rates[rates.size() / 2], "queries/s", extra);

    if (o.skip_dynamic) {
        std::fprintf(stderr, "checksum %llu\n", static_cast<unsigned long long>(checksum));
        return;
    }

    // Dynamic index: one point at a time from empty; the store holds the stream points after the
    // n points so the mixed stream below can append without moving anything.
    const size_t stream_rows = stream.size() / o.d;
    std::vector<float> all(points);
    all.insert(all.end(), stream.begin(), stream.end());
    FlatPoints growing{all.data(), o.d, 0};
    using Dynamic = nanoflann::KDTreeSingleIndexDynamicAdaptor<Metric, FlatPoints, DIM, uint32_t>;
    {
        Dynamic dynamic(static_cast<int>(o.d), growing, nanoflann::KDTreeSingleIndexAdaptorParams(o.leaf),
                        o.n + stream_rows);
        t0 = Clock::now();
        for (size_t i = 0; i < o.n; i++) {
            growing.count = i + 1;
            dynamic.addPoints(static_cast<uint32_t>(i), static_cast<uint32_t>(i));
        }
        double insert_s = seconds_since(t0);
        print(o, "insert", o.n / insert_s, "points/s", dim_kind);

        // Mixed 90/10 on the index just built: op j inserts when j % 10 == 9, else queries.
        const size_t ops = std::min<size_t>(10 * stream_rows, 100000);
        nanoflann::KNNResultSet<float, uint32_t> result(o.k);
        t0 = Clock::now();
        size_t inserted = 0;
        for (size_t j = 0; j < ops; j++) {
            if (j % 10 == 9) {
                const size_t slot = o.n + inserted++;
                growing.count = slot + 1;
                dynamic.addPoints(static_cast<uint32_t>(slot), static_cast<uint32_t>(slot));
            } else {
                result.init(idx.data(), dist.data());
                dynamic.findNeighbors(result, &queries[(j % kQueryCount) * o.d], nanoflann::SearchParams());
                checksum += idx[0];
            }
        }
        double mixed_s = seconds_since(t0);
        std::snprintf(extra, sizeof extra, "%s ops=%zu", dim_kind, ops);
        print(o, "mixed_90_10", ops / mixed_s, "ops/s", extra);
    }
    std::fprintf(stderr, "checksum %llu\n", static_cast<unsigned long long>(checksum));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::fprintf(stderr,
                     "usage: %s DATA_DIR DATA N D [--k 10] [--leaf 10] [--repeats 5] [--runtime-dim] "
                     "[--skip-dynamic]\n",
                     argv[0]);
        return 2;
    }
    Options o;
    o.dir = argv[1];
    o.data = argv[2];
    o.n = std::strtoull(argv[3], nullptr, 10);
    o.d = std::strtoull(argv[4], nullptr, 10);
    for (int i = 5; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--k" && i + 1 < argc) o.k = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--leaf" && i + 1 < argc) o.leaf = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--repeats" && i + 1 < argc) o.repeats = std::atoi(argv[++i]);
        else if (a == "--runtime-dim") o.runtime_dim = true;
        else if (a == "--skip-dynamic") o.skip_dynamic = true;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    try {
        const std::string stem = o.dir + "/" + o.data + "_n" + std::to_string(o.n) + "_d" + std::to_string(o.d);
        const auto points = read_rows(stem + "_points.f32", o.n, o.d);
        const auto queries = read_rows(stem + "_queries.f32", kQueryCount, o.d);
        const auto stream = read_rows(stem + "_stream.f32", o.n / 10, o.d);
        using Simple = nanoflann::L2_Simple_Adaptor<float, FlatPoints, float, uint32_t>;
        using Unrolled = nanoflann::L2_Adaptor<float, FlatPoints, float, uint32_t>;
        if (o.runtime_dim && o.d <= 3) run<-1, Simple>(o, points, queries, stream);
        else if (o.runtime_dim) run<-1, Unrolled>(o, points, queries, stream);
        else if (o.d == 3) run<3, Simple>(o, points, queries, stream);
        else if (o.d == 16) run<16, Unrolled>(o, points, queries, stream);
        else if (o.d == 128) run<128, Unrolled>(o, points, queries, stream);
        else if (o.d <= 3) run<-1, Simple>(o, points, queries, stream);
        else run<-1, Unrolled>(o, points, queries, stream);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "nanoflann_knn: %s\n", e.what());
        return 1;
    }
    return 0;
}
