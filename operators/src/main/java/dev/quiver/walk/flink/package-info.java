/**
 * The walk family's Flink adapters: the walk checks, the step posterior of a posterior-driven walk
 * and the keyed operator that numbers each key's observations (the coordinates of its random
 * streams) and calls the {@link dev.quiver.walk} simulators.
 *
 * <p>The adapter layer: the only classes that touch Flink. They own state, timers, checkpoints and
 * metrics, turn records into the primitive inputs of the kernels and the kernels' results into
 * records, and do no arithmetic beyond bookkeeping (see docs/architecture.md).
 */
package dev.quiver.walk.flink;
