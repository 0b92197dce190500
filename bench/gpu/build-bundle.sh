#!/usr/bin/env bash
# Builds the GPU bundle on a CPU machine: bench/target/quiver-gpu-check.tgz, a self-contained
# .tgz (Java runtime, jars with the CUDA kernels, the gpu-tagged tests, the benchmark, the oracles)
# for run.sh on a GPU machine that has no Java and no network. See README.md beside this script.
#
#   bench/gpu/build-bundle.sh [MAVEN_ARGS...]     e.g. -o to build offline
#
# The Maven build (bench's package phase) stages the jars and calls assemble-bundle.sh; this script
# only runs it and refuses a bundle without the CUDA kernels, which would test nothing on a GPU
# (the operators build compiles them when nvcc is on PATH or at /usr/local/cuda/bin/nvcc).
set -euo pipefail
cd "$(dirname "$0")/../.."

./mvnw -B -q -pl bench -am package -DskipTests "$@"

tgz=bench/target/quiver-gpu-check.tgz
version="$(tar -xzOf "$tgz" quiver-gpu-check/VERSION)"
if [[ "$version" != *"CUDA kernels included"* ]]; then
    echo "build-bundle: $tgz holds no CUDA kernels (no nvcc found by the operators build)" >&2
    exit 1
fi
echo "build-bundle: $tgz, $(($(stat -c %s "$tgz") / 1000 / 1000)) MB: $version"
