#!/usr/bin/env bash
# Quiver GPU check, run from the unpacked bundle on a machine with an NVIDIA GPU: the operators'
# tests tagged gpu (JUnit console), then the benchmark (dev.quiver.bench.gpu.GpuCheck), both on the
# Java runtime inside the bundle. See README.md beside this script.
#
#   ./run.sh [OUT_DIR]            results in OUT_DIR (default $OUT, else ./gpu-check-out)
#   ./run.sh --dry-run [OUT_DIR]  the benchmark on the java backend at small sizes, no CUDA at all
#   ./run.sh --list-tests         lists the tests tagged gpu (JUnit discovery), no CUDA at all
#
# Writes OUT_DIR/report.md (the report), OUT_DIR/junit/TEST-junit-jupiter.xml, and the two logs
# OUT_DIR/junit-console.log and OUT_DIR/gpu-check.log.
#
# Exit status: 0 tests and benchmark passed (speed targets are reported, not enforced);
# 1 a GPU test failed; 2 the benchmark failed (a workload could not run or a result disagreed with
# the java backend); 3 no CUDA device (no driver, or the driver sees no GPU); 4 setup error (bundle
# incomplete, or a driver but no loadable CUDA runtime).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=check
if [[ "${1:-}" == --dry-run || "${1:-}" == --list-tests ]]; then
    mode="${1#--}"
    shift
fi
out="${1:-${OUT:-$PWD/gpu-check-out}}"
mkdir -p "$out" || { echo "cannot create the output directory $out"; exit 4; }
out="$(cd "$out" && pwd)"

java="$here/jre/bin/java"
console=("$here"/test-lib/junit-platform-console-standalone-*.jar)
tests_jar=("$here"/test-lib/quiver-operators-*-tests.jar)
for needed in "$java" "${console[0]}" "${tests_jar[0]}" "$here/oracles"; do
    if [[ ! -e "$needed" ]]; then
        echo "bundle incomplete: $needed is missing"
        exit 4
    fi
done
lib_jars=("$here"/lib/*.jar)
test_jars=("$here"/test-lib/*.jar)
lib_cp="$(IFS=:; echo "${lib_jars[*]}")"
test_cp="$lib_cp:$(IFS=:; echo "${test_jars[*]}")"

# The directory holding library $1: the loader's cache first, then the CUDA toolkit's and the
# driver's usual places. Stub libraries (the toolkit's lib64/stubs) only link, so they are skipped.
find_library() {
    local name="$1" path dir
    path="$(ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }')"
    if [[ -n "$path" && -e "$path" ]]; then
        dirname "$path"
        return 0
    fi
    for dir in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu /usr/lib64 \
            /usr/local/cuda/lib64 /usr/local/cuda/lib /usr/local/cuda*/lib64 /usr/local/cuda*/lib \
            /usr/local/cuda*/targets/x86_64-linux/lib; do
        if [[ -e "$dir/$name" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# The same for the CUDA libraries that pip's nvidia-* wheels carry (nvidia/cu13/lib and the like),
# in python3's site-packages.
find_wheel_library() {
    local name="$1" path sp
    for sp in $(python3 -c 'import site; print(" ".join(site.getsitepackages() + [site.getusersitepackages()]))' 2>/dev/null); do
        path="$(find "$sp/nvidia" -name "$name*" -not -path '*/stubs/*' -print -quit 2>/dev/null)"
        if [[ -n "$path" ]]; then
            dirname "$path"
            return 0
        fi
    done
    return 1
}

jvm=("$java" "-Xmx${QUIVER_GPU_XMX:-16g}"
    "-Dorg.bytedeco.javacpp.cachedir=$here/.javacpp"
    "-Dquiver.oracles=$here/oracles"
    "-Dquiver.bundle.version=$(cat "$here/VERSION" 2>/dev/null || echo unknown)")

# The JUnit console's selection of the gpu tests, shared by --list-tests and the check.
gpu_tests=(--class-path "$test_cp" --scan-classpath "${tests_jar[0]}" --include-engine junit-jupiter
    --include-tag gpu --disable-banner --disable-ansi-colors)
if [[ $mode == dry-run ]]; then
    "${jvm[@]}" -cp "$lib_cp" dev.quiver.bench.gpu.GpuCheck dry-run "$out" "$here/oracles" \
        2>&1 | tee "$out/gpu-check.log"
    exit "${PIPESTATUS[0]}"
elif [[ $mode == list-tests ]]; then
    "${jvm[@]}" -jar "${console[0]}" discover "${gpu_tests[@]}" --details tree
    exit $?
fi

driver_dir="$(find_library libcuda.so.1)"
library_path=""
if [[ -n "$driver_dir" ]]; then
    echo "found libcuda.so.1 in $driver_dir"
    library_path="$driver_dir"
    # Without a driver there is nothing to run, so the search below (which may walk the disk) is
    # made only with one.
    missing=()
    for name in libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13; do
        dir="$(find_library "$name" || find_wheel_library "$name")"
        if [[ -n "$dir" ]]; then
            echo "found $name in $dir"
            [[ ":$library_path:" == *":$dir:"* ]] || library_path="$library_path:$dir"
        else
            missing+=("$name")
        fi
    done
    # Last, one walk of the root file system (at most 30 s) for any path with nvidia in it.
    walked=""
    if ((${#missing[@]} > 0)); then
        walked="$(timeout 30 find / -xdev \( -path /proc -o -path /sys \) -prune -o \
            -name 'lib*.so.13*' -path '*nvidia*' -not -path '*/stubs/*' -print 2>/dev/null)"
    fi
    for name in "${missing[@]}"; do
        path="$(grep -m 1 "/$name" <<<"$walked" || true)"
        if [[ -n "$path" ]]; then
            dir="$(dirname "$path")"
            echo "found $name in $dir"
            [[ ":$library_path:" == *":$dir:"* ]] || library_path="$library_path:$dir"
        else
            echo "not found: $name"
        fi
    done
else
    echo "not found: libcuda.so.1 (the NVIDIA driver)"
fi
if [[ -n "$library_path" ]]; then
    export LD_LIBRARY_PATH="$library_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

"${jvm[@]}" "-Dquiver.gpu.driver=${driver_dir:+$driver_dir/libcuda.so.1}" -cp "$lib_cp" \
    dev.quiver.bench.gpu.GpuCheck probe
probe=$?
if [[ $probe -eq 3 ]]; then
    exit 3
elif [[ $probe -ne 0 ]]; then
    echo "setup error: the CUDA probe exited with $probe"
    exit 4
fi

echo "running the tests tagged gpu (log: $out/junit-console.log)"
rm -rf "$out/junit"
timeout "${QUIVER_GPU_TEST_SECONDS:-150}" "${jvm[@]}" -jar "${console[0]}" execute \
    "${gpu_tests[@]}" --reports-dir "$out/junit" --details tree >"$out/junit-console.log" 2>&1
tests=$?
tail -n 25 "$out/junit-console.log"
[[ $tests -eq 124 ]] && echo "the GPU tests ran past ${QUIVER_GPU_TEST_SECONDS:-150} s and were stopped"

echo "running the benchmark (log: $out/gpu-check.log)"
"${jvm[@]}" -cp "$lib_cp" dev.quiver.bench.gpu.GpuCheck run "$out" "$here/oracles" \
    "$out/junit" "$tests" >"$out/gpu-check.log" 2>&1
bench=$?
tail -n 15 "$out/gpu-check.log"
[[ -f "$out/report.md" ]] && cat "$out/report.md"

if [[ $tests -ne 0 ]]; then
    echo "GPU tests FAILED (JUnit console exit $tests)"
    exit 1
elif [[ $bench -ne 0 ]]; then
    echo "benchmark FAILED (exit $bench)"
    exit 2
fi
echo "GPU check passed: $out/report.md"
