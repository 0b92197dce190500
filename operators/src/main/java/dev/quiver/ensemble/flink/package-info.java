/**
 * The score family's Flink adapter: the broadcast operator that keeps the model update in use (its
 * bytes) and scores observations with the {@link dev.quiver.ensemble} kernels.
 *
 * <p>The adapter layer: the only classes that touch Flink. They own state, timers, checkpoints and
 * metrics, turn records into the primitive inputs of the kernels and the kernels' results into
 * records, and do no arithmetic beyond bookkeeping (see docs/architecture.md).
 */
package dev.quiver.ensemble.flink;
