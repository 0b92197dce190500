/**
 * Replay-safe Monte Carlo random walks per key, checked against exact formulas: a counter-based
 * random stream, step laws, a batched simulator with a 64-steps-per-word fast path for the fair +-1
 * walk, streaming path statistics, and the closed forms of the simple walk.
 *
 * <p>The kernels here are pure Java (plus Hipparchus for distributions and special functions): they
 * import no Flink, Kafka or Avro. Every random number is a pure function of (job seed, key, event
 * sequence number, path index, position in the path) through {@link dev.quiver.walk.Philox4x32} and
 * the layout of {@link dev.quiver.walk.WalkStream}, so a replay after a failure, any parallelism,
 * any batch composition and a future GPU simulator give the same paths.
 *
 * <p>Sources: J. K. Salmon, M. A. Moraes, R. O. Dror and D. E. Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC11, 2011 (Philox); G. Marsaglia and W. W. Tsang, "The ziggurat method for
 * generating random variables", JSS 5(8), 2000, and "A simple method for generating gamma
 * variables", ACM TOMS 26(3), 2000; W. Feller, <i>An Introduction to Probability Theory and Its
 * Applications</i>, vol. I, 3rd ed., 1968, chapter III (reflection, returns, arcsine law); R. van
 * der Hofstad and M. Keane, "An elementary proof of the hitting time theorem", <i>American
 * Mathematical Monthly</i> 115(8), 2008.
 *
 * <p>Entry points: {@link dev.quiver.walk.WalkSimulator} and {@link
 * dev.quiver.walk.JavaWalkSimulator} (simulate a batch), {@link dev.quiver.walk.WalkSpec} and
 * {@link dev.quiver.walk.WalkModel} (what to simulate), {@link dev.quiver.walk.WalkResult} (the
 * statistics), {@link dev.quiver.walk.WalkMemory} (the memory a simulation needs, in memory or in
 * passes), {@link dev.quiver.walk.WalkExact} and {@link dev.quiver.walk.WalkEstimate} (exact
 * values and z-scores).
 */
package dev.quiver.walk;
