#!/usr/bin/env bash
# Builds Quiver's CUDA kernels when an nvcc is available; called by the operators module's Maven
# build (process-test-classes) with the build directory, the -Dquiver.nvcc value (may be empty) and
# surefire's excludedGroups (a line says when the tests tagged gpu are left out, and why).
#
#   target/classes/dev/quiver/compute/cuda/quiver-kernels.fatbin   sm_80 + sm_90 code, compute_90 PTX
#   target/cuda/host_check                                          the host-only check program
#
# nvcc is the one given, else the one on PATH, else /usr/local/cuda/bin/nvcc; without any (or with
# -Dquiver.nvcc=none), one line says so and nothing is built (the host check tests then skip). A compile error fails the
# build. Outputs newer than every source are kept, so a build with unchanged kernels costs nothing.
# --fmad=false and no fast-math: the kernels must round as Java does (see quiver/common.cuh).
set -euo pipefail

build_dir="$1"
nvcc="${2:-}"
excluded_groups="${3:-}"
if [[ ",${excluded_groups// /}," == *,gpu,* ]]; then
    echo "[cuda] tests tagged gpu are excluded (excludedGroups=$excluded_groups): they need an NVIDIA GPU;" \
        "run them there with -Dgroups=gpu -DexcludedGroups=none (docs/gpu.md)"
fi
here="$(cd "$(dirname "$0")" && pwd)"
module="$(cd "$here/../../.." && pwd)"

fatbin="$build_dir/classes/dev/quiver/compute/cuda/quiver-kernels.fatbin"
host_check="$build_dir/cuda/host_check"

# Without nvcc, earlier outputs go too: a jar without kernels, and no stale host check to test.
skip() {
    rm -f "$fatbin" "$host_check"
    echo "[cuda] $1: CUDA kernels not built, host check tests skipped"
    exit 0
}

if [[ "$nvcc" == none ]]; then
    skip "-Dquiver.nvcc=none"
elif [[ -n "$nvcc" && ! -x "$nvcc" ]]; then
    echo "[cuda] -Dquiver.nvcc=$nvcc is not an executable file" >&2
    exit 1
fi
if [[ -z "$nvcc" ]]; then
    nvcc="$(command -v nvcc || true)"
fi
if [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]]; then
    nvcc=/usr/local/cuda/bin/nvcc
fi
if [[ -z "$nvcc" ]]; then
    skip "no nvcc on PATH, at /usr/local/cuda/bin or given by -Dquiver.nvcc"
fi
host_source="$module/src/test/cuda/host_check.cu"
flags=(-std=c++17 --fmad=false -O3 -Xcompiler -Wall)

# Whether $1 is missing or older than a source (any file under src/main/cuda, or host_check.cu).
stale() {
    [[ ! -f "$1" ]] || [[ -n "$(find "$here" "$host_source" -newer "$1" -print -quit)" ]]
}

mkdir -p "$(dirname "$fatbin")" "$(dirname "$host_check")"
if stale "$fatbin"; then
    start=$SECONDS
    "$nvcc" "${flags[@]}" -fatbin \
        -gencode arch=compute_80,code=sm_80 \
        -gencode arch=compute_90,code=sm_90 \
        -gencode arch=compute_90,code=compute_90 \
        -o "$fatbin.tmp" "$here/quiver_kernels.cu"
    mv "$fatbin.tmp" "$fatbin"
    echo "[cuda] $fatbin built in $((SECONDS - start)) s with $nvcc"
fi
if stale "$host_check"; then
    start=$SECONDS
    # The host program has no kernels; one virtual architecture keeps nvcc's device pass short.
    "$nvcc" "${flags[@]}" -gencode arch=compute_80,code=compute_80 -I "$here" \
        -o "$host_check.tmp" "$host_source"
    mv "$host_check.tmp" "$host_check"
    echo "[cuda] $host_check built in $((SECONDS - start)) s"
fi
