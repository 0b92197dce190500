#!/bin/sh
# Builds the nanoflann peer. Needs g++ and Debian's libnanoflann-dev (header-only, /usr/include).
# -Wno-maybe-uninitialized: nanoflann 1.4.2 copies a tree with an unset bbox in its own header.
#   bench/peers/build.sh [OUT_BINARY]     (default: bench/target/peers/nanoflann_knn)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../target/peers/nanoflann_knn}
mkdir -p "$(dirname "$out")"
if [ ! -f /usr/include/nanoflann.hpp ]; then
    echo "build.sh: /usr/include/nanoflann.hpp missing; apt-get install libnanoflann-dev" >&2
    exit 1
fi
g++ -std=c++17 -O3 -march=native -DNDEBUG -Wall -Wextra -Wno-maybe-uninitialized -o "$out" "$here/nanoflann_knn.cpp"
echo "built $out (nanoflann $(sed -n 's/^#define NANOFLANN_VERSION //p' /usr/include/nanoflann.hpp), $(g++ -dumpfullversion))"
