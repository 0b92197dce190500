package dev.quiver.compute.cuda;

import static dev.quiver.compute.cuda.ParamKind.ADDRESS;
import static dev.quiver.compute.cuda.ParamKind.F64;
import static dev.quiver.compute.cuda.ParamKind.I32;
import static dev.quiver.compute.cuda.ParamKind.I64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.cuda.global.cudart;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link KernelSignatures}, no device needed: the kernels it reads from quiver_kernels.cu, and the
 * launches it refuses (wrong count, order or width of arguments; a grid, block or shared memory
 * the kernel does not use), each with a message naming the kernel and the mismatch.
 */
class KernelSignaturesTest {

    private static final KernelSignatures KERNELS = KernelSignatures.bundled();

    @Test
    void theBundledSourceIsTheKernelsSource() throws IOException {
        String source = Files.readString(Path.of("src/main/cuda/quiver_kernels.cu"));
        try (InputStream in = KernelSignatures.class.getResourceAsStream(KernelSignatures.SOURCE)) {
            assertThat(in).as("the resource operators/pom.xml copies").isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(source);
        }
    }

    @Test
    void readsEveryKernelWithItsParameterKindsAndShape() {
        assertThat(KERNELS.kernels()).hasSize(14);
        KernelSignature lattice = KERNELS.kernels().get("quiver_walk_lattice_final");
        assertThat(kinds(lattice))
                .containsExactly(I64, ADDRESS, ADDRESS, I32, I32, I64, I64, I32, ADDRESS);
        assertThat(lattice.parameters().get(5).declaration()).isEqualTo("uint64_t stay");
        assertThat(kinds(KERNELS.kernels().get("quiver_walk_continuous_path")))
                .containsExactly(I64, ADDRESS, ADDRESS, I32, I32, F64, F64, F64, F64, I32, ADDRESS);
        assertThat(lattice.gridInY()).isFalse();
        assertThat(lattice.dynamicShared()).isFalse();
        KernelSignature topK = KERNELS.kernels().get("quiver_topk");
        assertThat(topK.gridInY()).isTrue();
        assertThat(topK.blockInY()).isFalse();
        assertThat(topK.dynamicShared()).isTrue();
        KernelSignature gemm = KERNELS.kernels().get("quiver_gemm_distances");
        assertThat(gemm.gridInY()).isTrue();
        assertThat(gemm.blockInY()).isTrue();
        assertThat(gemm.dynamicShared()).isFalse();
    }

    @Test
    void aLaunchThatFitsPasses() {
        try (KernelLaunch launch = rowNorms(new KernelArgs().address(1).i32(2).i32(3).address(4))) {
            KERNELS.check(launch);
        }
    }

    @Test
    void swappedArgumentsAreRefusedNamingKernelAndParameter() {
        // quiver_row_norms(const float* rows, int count, int d, float* norms): count and rows swapped.
        try (KernelLaunch launch = rowNorms(new KernelArgs().i32(2).address(1).i32(3).address(4))) {
            assertRefused(launch, "launch of quiver_row_norms refused: argument 0 is passed as int"
                    + " where the kernel declares const float* rows (pointer)");
        }
    }

    @Test
    void aThirtyTwoBitValueWhereTheKernelReadsSixtyFourBitsIsRefused() {
        KernelArgs args = new KernelArgs().i64(7).address(1).address(2).i32(4).i32(100)
                .i32(1).i64(2).i32(1000).address(3);
        try (KernelLaunch launch = KernelLaunch.overThreads("quiver_walk_lattice_final", 1, args)) {
            assertRefused(launch, "argument 5 is passed as int where the kernel declares"
                    + " uint64_t stay (64-bit integer)");
        }
    }

    @Test
    void aNumberWhereTheKernelReadsAnAddressIsRefused() {
        try (KernelLaunch launch = rowNorms(new KernelArgs().i64(1).i32(2).i32(3).address(4))) {
            assertRefused(launch, "argument 0 is passed as 64-bit integer where the kernel"
                    + " declares const float* rows (pointer)");
        }
    }

    @Test
    void missingAndExtraArgumentsAreRefused() {
        try (KernelLaunch launch = rowNorms(new KernelArgs().address(1).i32(2).i32(3))) {
            assertRefused(launch, "3 arguments where the kernel declares 4; the first missing is"
                    + " float* norms");
        }
        try (KernelLaunch launch =
                rowNorms(new KernelArgs().address(1).i32(2).i32(3).address(4).i32(5))) {
            assertRefused(launch, "5 arguments where the kernel declares 4");
        }
    }

    @Test
    void anUnknownKernelIsRefused() {
        try (KernelLaunch launch = KernelLaunch.overThreads("quiver_nothing", 1, new KernelArgs())) {
            assertRefused(launch, "launch of quiver_nothing refused: no such extern \"C\" __global__"
                    + " kernel in quiver_kernels.cu");
        }
    }

    @Test
    void aGridOrBlockDimensionTheKernelNeverReadsIsRefused() {
        try (KernelLaunch launch = new KernelLaunch("quiver_row_norms", 1, 2, 256, 1, 0, fits())) {
            assertRefused(launch, "2 grid rows, but the kernel never reads blockIdx.y");
        }
        try (KernelLaunch launch = new KernelLaunch("quiver_row_norms", 1, 1, 128, 2, 0, fits())) {
            assertRefused(launch, "blocks 2 threads high, but the kernel never reads threadIdx.y");
        }
    }

    @Test
    void shapesNoDeviceRunsAreRefused() {
        KernelArgs gemm = new KernelArgs().address(1).i32(2).address(3).address(4).i32(5)
                .address(6);
        try (KernelLaunch launch =
                new KernelLaunch("quiver_gemm_distances", 1, 65_536, 256, 1, 0, gemm)) {
            assertRefused(launch, "65536 grid rows, above the 65535 a device allows");
        }
        try (KernelLaunch launch = new KernelLaunch("quiver_row_norms", 1, 1, 2048, 1, 0, fits())) {
            assertRefused(launch, "blocks of 2048 x 1 threads, above 1024");
        }
        try (KernelLaunch launch = new KernelLaunch("quiver_row_norms", 0, 1, 256, 1, 0, fits())) {
            assertRefused(launch, "every dimension must be at least 1");
        }
    }

    @Test
    void dynamicSharedMemoryMustMatchTheKernelsDeclaration() {
        try (KernelLaunch launch = new KernelLaunch("quiver_row_norms", 1, 1, 256, 1, 4, fits())) {
            assertRefused(launch, "4 bytes of dynamic shared memory, but the kernel declares none");
        }
        try (KernelLaunch launch = new KernelLaunch("quiver_topk", 1, 1, 256, 1, 0, topK())) {
            assertRefused(launch, "no dynamic shared memory, but the kernel declares extern"
                    + " __shared__ memory");
        }
        try (KernelLaunch launch =
                new KernelLaunch("quiver_topk", 1, 1, 256, 1, 48 * 1024 + 1, topK())) {
            assertRefused(launch, "49153 bytes of dynamic shared memory, outside [0, 49152]");
        }
    }

    @Test
    void commentsAreIgnoredAndQualifiersAndPointersRead() {
        KernelSignatures parsed = KernelSignatures.parse(
                "// extern \"C\" __global__ void gone(int a) {}\n"
                        + "/* __global__ */ extern \"C\" __global__ void k(const double* __restrict__ a,\n"
                        + "    long long n, const int b[], volatile double x) { extern __shared__ float s[]; }\n");
        assertThat(parsed.kernels()).containsOnlyKeys("k");
        assertThat(kinds(parsed.kernels().get("k"))).containsExactly(ADDRESS, I64, ADDRESS, F64);
        assertThat(parsed.kernels().get("k").dynamicShared()).isTrue();
    }

    @Test
    void aKernelTheParserCannotCheckFailsTheParse() {
        assertThatThrownBy(() -> KernelSignatures.parse(
                        "extern \"C\" __global__ void k(size_t n, float* out) {}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kernel k's parameter 'size_t n' has a type a launch cannot"
                        + " pass");
        assertThatThrownBy(() -> KernelSignatures.parse(
                        "__global__ void mangled(int n) {}\n"
                                + "extern \"C\" __global__ void k(int n) {}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 __global__ declarations but 1 of the form");
    }

    private static KernelLaunch rowNorms(KernelArgs args) {
        return KernelLaunch.overThreads("quiver_row_norms", 1, args);
    }

    private static KernelArgs fits() {
        return new KernelArgs().address(1).i32(2).i32(3).address(4);
    }

    private static KernelArgs topK() {
        return new KernelArgs().address(1).address(0).address(0).i32(10).i32(10).i32(1).i32(256)
                .address(2).address(3);
    }

    private static List<ParamKind> kinds(KernelSignature kernel) {
        return kernel.parameters().stream().map(KernelSignature.Parameter::kind).toList();
    }

    private static void assertRefused(KernelLaunch launch, String message) {
        assertThatThrownBy(() -> KERNELS.check(launch))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining(launch.kernel())
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((CudaException) e).code())
                        .isEqualTo(cudart.CUDA_ERROR_INVALID_VALUE));
    }
}
