// Shared definitions of Quiver's CUDA kernels.
//
// Every per-thread function is __host__ __device__ so that a host-only program built by nvcc from
// these headers (operators/src/test/cuda/host_check.cu) runs the same arithmetic on the CPU and
// checks it bit for bit against the Java kernels. That holds only under the build's flags:
// --fmad=false (Java never fuses a multiply and an add; a fused one rounds once instead of twice)
// and no fast-math; on the host, x86-64 code without -mfma cannot fuse either.
#pragma once

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__CUDACC__)
#define QUIVER_HD __host__ __device__ __forceinline__
#else
#define QUIVER_HD inline
#endif

// A table that host and device code both read: the device copy lives in global memory (its reads
// are data-dependent per thread, which the constant cache would serialise), the host copy in a
// plain array. QUIVER_TABLE(name) picks the copy of the side the code is compiled for.
#if defined(__CUDA_ARCH__)
#define QUIVER_TABLE(name) name##_device
#else
#define QUIVER_TABLE(name) name##_host
#endif

namespace quiver {

// Java's Double.doubleToRawLongBits and Double.longBitsToDouble (memcpy: no aliasing questions).
QUIVER_HD uint64_t double_bits(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

QUIVER_HD double bits_double(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

}  // namespace quiver
