#!/bin/bash
# Runs the kNN peers (scikit-learn KDTree, nanoflann, numpy brute force) on one core over the
# make_data.py files and prints one "result ..." line per figure (report.py reads them).
#
#   bench/peers/run_peers.sh [--grid] [--only tree|brute] [--data-dir DIR] [--core N] [--no-install]
#
# Default: the cells that have a target only:
#   uniform n=1e6 d=3     sklearn KDTree (exact kNN, build), nanoflann (exact kNN, build,
#                         one-by-one inserts, mixed 90/10)
#   uniform n=1e6 d=128   numpy batched brute force (402 of the 10,000 queries: 6 batches of 67),
#                         FAISS IndexFlatL2 over the same 402 queries, and one core's sgemm
#                         GFLOP/s (numpy's OpenBLAS), the ceiling the brute force is judged by
# --only tree / --only brute: just the kd-tree peers (sklearn, nanoflann) or just the brute-force
# ones (numpy, FAISS, sgemm).
# --grid: every (data, n, d) of make_data.py's grid; sklearn and nanoflann for d <= 16 (at
# d = 128 a kd-tree degenerates into a slower brute force: minutes per cell), numpy for all.
#
# Installs python3-sklearn python3-numpy python3-faiss libnanoflann-dev g++ with apt-get when one is missing
# (as root, or through sudo), unless --no-install. Every peer runs under taskset -c CORE (default
# 0) with OMP/OpenBLAS limited to one thread. Data go to DIR (default bench/target/knn-data).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(cd "$here/.." && pwd)
data_dir=$bench/target/knn-data
core=0
grid=0
only=all
install=1
while [ $# -gt 0 ]; do
    case $1 in
        --grid) grid=1 ;;
        --only) only=$2; shift ;;
        --data-dir) data_dir=$2; shift ;;
        --core) core=$2; shift ;;
        --no-install) install=0 ;;
        *) echo "run_peers.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

python=/usr/bin/python3
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
pin=(taskset -c "$core")

packages=(python3-numpy)
[ "$only" = tree ] || packages+=(python3-faiss)
[ "$only" = brute ] || packages+=(python3-sklearn libnanoflann-dev g++)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ $install -eq 0 ]; then
        echo "run_peers.sh: missing ${missing[*]} (apt-get install them, or drop --no-install)" >&2
        exit 1
    fi
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >&2
fi

nanoflann=$bench/target/peers/nanoflann_knn
[ "$only" = brute ] || "$here/build.sh" "$nanoflann" >&2

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) CPUs online, pinned to CPU $core;" \
     "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}"
echo "# versions: $($python -c 'import sklearn, numpy, faiss; print("sklearn", sklearn.__version__, "numpy", numpy.__version__, "faiss", faiss.__version__)')," \
     "nanoflann $(sed -n 's/^#define NANOFLANN_VERSION 0x\(.\)\(.\)\(.\)/\1.\2.\3/p' /usr/include/nanoflann.hpp), g++ $(g++ -dumpfullversion)"

tree_peers() {  # data n d
    [ "$only" != brute ] || return 0
    "$python" "$here/make_data.py" "$data_dir" --data "$1" --n "$2" --d "$3" >&2
    "${pin[@]}" "$python" "$here/sklearn_kdtree.py" "$data_dir" --data "$1" --n "$2" --d "$3"
    "${pin[@]}" "$nanoflann" "$data_dir" "$1" "$2" "$3"
}

brute_peer() {  # data n d queries
    [ "$only" != tree ] || return 0
    "$python" "$here/make_data.py" "$data_dir" --data "$1" --n "$2" --d "$3" >&2
    "${pin[@]}" "$python" "$here/numpy_bruteforce.py" "$data_dir" --data "$1" --n "$2" --d "$3" --queries "$4"
    "${pin[@]}" "$python" "$here/faiss_flat.py" "$data_dir" --data "$1" --n "$2" --d "$3" --queries "$4"
}

sgemm_peak() {
    [ "$only" != tree ] || return 0
    "${pin[@]}" "$python" "$here/sgemm_peak.py"
}

if [ $grid -eq 0 ]; then
    tree_peers uniform 1000000 3
    brute_peer uniform 1000000 128 402
    sgemm_peak
else
    for data in uniform clustered; do
        for n in 100000 1000000; do
            for d in 3 16 128; do
                if [ "$d" -le 16 ]; then tree_peers "$data" "$n" "$d"; fi
                brute_peer "$data" "$n" "$d" $([ "$n" -eq 1000000 ] && echo 512 || echo 2048)
            done
        done
    done
    sgemm_peak
fi
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
