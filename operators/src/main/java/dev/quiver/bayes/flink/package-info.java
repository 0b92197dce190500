/**
 * The bayes family's Flink adapters: the keyed operator that keeps each key's posterior bytes, the
 * global merge of key-group partials, the observation validator and the conversions between Avro
 * records and the {@link dev.quiver.bayes} kernels.
 *
 * <p>The adapter layer: the only classes that touch Flink. They own state, timers, checkpoints and
 * metrics, turn records into the primitive inputs of the kernels and the kernels' results into
 * records, and do no arithmetic beyond bookkeeping (see docs/architecture.md).
 */
package dev.quiver.bayes.flink;
