/**
 * Batched numeric backends behind one small interface of primitive arrays: the matrix math that
 * kernels hand off so it can run as plain Java, through ND4J on the CPU, or on a GPU.
 *
 * <p>{@link dev.quiver.compute.ComputeBackend} is the contract (thread-safety, allocation and a
 * stated error bound per backend); {@link dev.quiver.compute.ComputeBackends} creates them by name.
 * Only the ND4J backend imports ND4J, so a backend without it, such as a CUDA one, never loads it.
 * Nothing here imports Flink, Kafka or Avro.
 *
 * <p>Squared distances in bulk use the expansion {@code |q - x|^2 = |q|^2 + |x|^2 - 2 q.x}, which
 * turns all inner products of a batch into one matrix product (GEMM). Its rounding error is bounded
 * with the inner-product analysis of N. J. Higham, <i>Accuracy and Stability of Numerical
 * Algorithms</i>, 2nd ed., SIAM, 2002, chapter 3 ({@code gamma_n = n u / (1 - n u)}); the bound is
 * relative to the norms, not to the distance, because the expansion cancels for nearby points.
 */
package dev.quiver.compute;
