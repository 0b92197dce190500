/**
 * Flink plumbing shared by every family's adapters: the decode function (bad bytes and invalid
 * records become dead letters with the original bytes), the dead-letter side output, the Kafka
 * record (de)serializers, the NDJSON line source and file sink, and the operator metrics.
 *
 * <p>The adapter layer: the only classes that touch Flink. They own state, timers, checkpoints and
 * metrics, turn records into the primitive inputs of the kernels and the kernels' results into
 * records, and do no arithmetic beyond bookkeeping (see docs/architecture.md).
 */
package dev.quiver.io.flink;
