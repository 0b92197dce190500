package dev.quiver.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The JMH settings the quantile benchmarks share (JMH applies a superclass's class annotations to
 * its subclasses' benchmarks): nanoseconds per call, averaged, short iterations because each
 * benchmark runs once per grid point.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar 'BetaQuantileBenchmark|GammaAndStudentTQuantileBenchmark'
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 3, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public abstract class QuantileBenchmarkSettings {}
