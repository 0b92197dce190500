/**
 * The capabilities that kernels hand off to a compute backend, behind small interfaces of
 * primitive arrays and records of this package, so the same call runs as plain Java, through ND4J
 * on the CPU, or on a GPU: distances ({@link dev.quiver.compute.DistanceKernel}, with
 * backend-owned, versioned {@link dev.quiver.compute.PointBlock}s and a fused top-k), walks
 * ({@link dev.quiver.compute.WalkKernel}: a {@link dev.quiver.compute.WalkBatch} of one {@link
 * dev.quiver.compute.WalkLaw} into {@link dev.quiver.compute.WalkTallies}) and forests ({@link dev.quiver.compute.ForestKernel} over a
 * {@link dev.quiver.compute.FlatForest}).
 *
 * <p>{@link dev.quiver.compute.ComputeBackends} is the one registry: it finds every {@link
 * dev.quiver.compute.BackendProvider} with {@link java.util.ServiceLoader}, opens a {@link
 * dev.quiver.compute.ComputeBackend} by name with each missing capability taken from {@code java},
 * and resolves {@code auto} by priority and probe. This package depends on no other Quiver package
 * (the Java walks and forests are registered from {@code dev.quiver.walk} and {@code
 * dev.quiver.ensemble}); only the ND4J distances class imports ND4J, so a backend without it,
 * such as a CUDA one, never loads it. Nothing here imports Flink, Kafka or Avro.
 *
 * <p>Squared distances in bulk use the expansion {@code |q - x|^2 = |q|^2 + |x|^2 - 2 q.x}, which
 * turns all inner products of a batch into one matrix product (GEMM). Its rounding error is bounded
 * with the inner-product analysis of N. J. Higham, <i>Accuracy and Stability of Numerical
 * Algorithms</i>, 2nd ed., SIAM, 2002, chapter 3 ({@code gamma_n = n u / (1 - n u)}); the bound is
 * relative to the norms, not to the distance, because the expansion cancels for nearby points.
 */
package dev.quiver.compute;
