#!/bin/bash
# One comparable run of Quiver's kNN against its peers, all pinned to one core, ending with a ratio
# table (Quiver / peer, from this run only). About 5-10 minutes on a 2-core machine.
#
#   bench/run-knn.sh [--core N] [--no-crossover] [--no-build]
#
# 1. builds bench/target/benchmarks.jar from this checkout (--no-build: use the one there);
# 2. bench/peers/run_peers.sh makes the data and runs sklearn KDTree and nanoflann at uniform
#    n=1e6 d=3, and numpy brute force at uniform n=1e6 d=128, each right before and right after
#    the JMH runs it is compared with, and with the brute force FAISS IndexFlatL2 and one core's
#    sgemm peak (numpy's OpenBLAS), the ceiling the brute force's GFLOP/s is judged by;
# 3. JMH (-t 1 -f 1; 2 x 1 s warmup, 3 x 1 s measurement; 1 warmup for the brute force, whose
#    calls take seconds) under taskset -c N, OMP_NUM_THREADS=1: KdTreeBenchmark knnExact,
#    insert, mixed90to10, approximateKnn at uniform n=1e6 d=3; bruteForce at uniform n=1e6
#    d=128; unless --no-crossover, knnExact and bruteForce at uniform n=1e5 d=3,16,128;
# 4. bench/peers/report.py: the ratio table, also saved as report.txt in the run directory
#    (bench/target/knn-run-<time>/, with the peers' log and JMH's JSON and logs).
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bench/.." && pwd)
core=0
crossover=1
build=1
while [ $# -gt 0 ]; do
    case $1 in
        --core) core=$2; shift ;;
        --no-crossover) crossover=0 ;;
        --no-build) build=0 ;;
        *) echo "run-knn.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

data_dir=$bench/target/knn-data
run_dir=$bench/target/knn-run-$(date +%Y%m%d-%H%M%S)
jar=$bench/target/benchmarks.jar
mkdir -p "$run_dir"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
start=$(date +%s)
failed=0

if [ $build -eq 1 ]; then
    echo "== building $jar"
    (cd "$root" && ./mvnw -B -q -DskipTests -pl bench -am package)
elif [ ! -f "$jar" ]; then
    echo "run-knn.sh: $jar missing; build it: ./mvnw -B -DskipTests -pl bench -am package" >&2
    exit 1
fi

peers() {  # run_peers.sh options; appends to peers.log
    echo "== peers $* (log: $run_dir/peers.log)"
    "$bench/peers/run_peers.sh" --data-dir "$data_dir" --core "$core" "$@" | tee -a "$run_dir/peers.log"
}

jmh() {  # name, then JMH arguments
    local name=$1
    shift
    echo "== JMH $name (log: $run_dir/jmh-$name.log)"
    taskset -c "$core" java -Dquiver.bench.data="$data_dir" -jar "$jar" "$@" \
        -t 1 -f 1 -rf json -rff "$run_dir/jmh-$name.json" > "$run_dir/jmh-$name.log" 2>&1 || {
        echo "JMH $name FAILED; last lines of its log (the table will show - for its figures):" >&2
        tail -20 "$run_dir/jmh-$name.log" >&2
        failed=1
        return 0
    }
    grep -E '^(checked|note|approximateKnn)' "$run_dir/jmh-$name.log" || true
    sed -n '/^Benchmark /,$p' "$run_dir/jmh-$name.log"
}

# Each peer runs right before and right after the Java side it is compared with: other processes
# on a shared machine come and go, and report.py compares with the better of the two peer runs.
short=(-wi 2 -w 1s -i 3 -r 1s)
peers --only tree
jmh d3 'KdTreeBenchmark\.(knnExact|insert|mixed90to10|approximateKnn)$' \
    -p n=1000000 -p d=3 -p data=uniform "${short[@]}"
peers --only tree
peers --only brute
jmh d128-brute 'KdTreeBenchmark\.bruteForce$' -p n=1000000 -p d=128 -p data=uniform -wi 1 -w 1s -i 3 -r 1s
peers --only brute
if [ $crossover -eq 1 ]; then
    /usr/bin/python3 "$bench/peers/make_data.py" "$data_dir" --data uniform --n 100000 >/dev/null
    jmh crossover 'KdTreeBenchmark\.(knnExact|bruteForce)$' \
        -p n=100000 -p d=3,16,128 -p data=uniform "${short[@]}"
fi

{
    echo "Quiver kNN vs peers, $(date -u +%Y-%m-%dT%H:%MZ), one core (CPU $core) for everything"
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB;" \
         "$(java -version 2>&1 | head -1); load average now: $(cut -d' ' -f1-3 /proc/loadavg);" \
         "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto} (Java's OpenBLAS and the peers' alike)"
    grep '^# versions' "$run_dir/peers.log" | head -1 || true
    grep -o 'load average at [a-z]*: [0-9. ]*' "$run_dir/peers.log" | sed -n '1s/^/# first peer run, /p; $s/^/# last peer run, /p' || true
    echo
    /usr/bin/python3 "$bench/peers/report.py" "$run_dir/peers.log" "$run_dir"/jmh-*.json
    echo
    echo "wall time: $(( $(date +%s) - start )) s; results in $run_dir"
} | tee "$run_dir/report.txt"
exit $failed
