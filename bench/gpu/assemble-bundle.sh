#!/usr/bin/env bash
# Assembles the GPU bundle from what the bench module's Maven build staged (called by its package
# phase; see README.md): adds a jlinked Java runtime with only the modules the jars use, the
# oracles, run.sh, README.md and VERSION, and writes the .tgz.
#
#   assemble-bundle.sh STAGING_DIR ORACLES_DIR OUT.tgz
#
# STAGING_DIR holds lib/ (runtime jars and the gpu-check jar) and test-lib/ (the JUnit console and
# the operators' test jar with what its gpu tests need). Fails if the bundle would exceed the size
# limit the GPU machine's transfer allows.
set -euo pipefail

staging="$1"
oracles="$2"
tgz="$3"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
max_bytes=$((60 * 1000 * 1000))
name=quiver-gpu-check
work="$(dirname "$tgz")/$name"
bin="${JAVA_HOME:+$JAVA_HOME/bin/}"

for dir in "$staging/lib" "$staging/test-lib" "$oracles"; do
    if [[ ! -d "$dir" ]]; then
        echo "[gpu-bundle] $dir is missing" >&2
        exit 1
    fi
done
start=$SECONDS
rm -rf "$work"
mkdir -p "$work/oracles"
cp -r "$staging/lib" "$staging/test-lib" "$work/"
cp "$here/run.sh" "$here/README.md" "$work/"
cp "$oracles"/*.csv "$oracles"/*.json "$oracles"/*.ubj "$oracles"/*.f32 "$work/oracles/"

# The Java modules: java.base; java.logging (the JUnit Platform logs through it); java.management
# and java.sql (the JUnit console and Jackson load them); java.xml (the JUnit XML reports, which
# GpuCheck reads); jdk.unsupported (JavaCPP reaches sun.misc.Unsafe by reflection); jdk.zipfs (the
# console scans the test jar through the zip file system, which jdeps does not see). java.desktop,
# which jdeps also lists, is left out: only Jackson's and AssertJ's optional java.beans support
# touch it, and it would add a fifth to the runtime. --compress=0 because the modules file then
# gzips into a smaller .tgz than jlink's own compression gives (19 MB against 23).
modules=java.base,java.logging,java.management,java.sql,java.xml,jdk.unsupported,jdk.zipfs
"${bin}jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=0 --output "$work/jre"

kernels="no CUDA kernels (built without nvcc)"
listing="$("${bin}jar" tf "$work"/lib/quiver-operators-*[0-9T].jar)"
if grep -q 'dev/quiver/compute/cuda/quiver-kernels.fatbin' <<<"$listing"; then
    kernels="CUDA kernels included"
fi
echo "$(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown)," \
    "built $(date -u +%Y-%m-%dT%H:%MZ), $kernels" >"$work/VERSION"

tar -C "$(dirname "$work")" -czf "$tgz" "$name"
bytes=$(stat -c %s "$tgz")
echo "[gpu-bundle] $tgz: $((bytes / 1000 / 1000)) MB ($bytes bytes), $kernels, Java modules" \
    "$modules, in $((SECONDS - start)) s"
if ((bytes > max_bytes)); then
    echo "[gpu-bundle] the bundle is over the $((max_bytes / 1000 / 1000)) MB limit" >&2
    exit 1
fi
