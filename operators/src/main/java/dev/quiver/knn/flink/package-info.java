/**
 * The match family's Flink adapter: the keyed operator that keeps each namespace's points, rebuilds
 * its {@link dev.quiver.knn.LivePoints} index after a restore and batches queries, and the vector and
 * query validators.
 *
 * <p>The adapter layer: the only classes that touch Flink. They own state, timers, checkpoints and
 * metrics, turn records into the primitive inputs of the kernels and the kernels' results into
 * records, and do no arithmetic beyond bookkeeping (see docs/architecture.md).
 */
package dev.quiver.knn.flink;
