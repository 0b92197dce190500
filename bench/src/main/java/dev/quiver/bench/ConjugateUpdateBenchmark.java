package dev.quiver.bench;

import dev.quiver.bayes.BayesObservation;
import dev.quiver.bayes.BetaBernoulliPosterior;
import dev.quiver.bayes.BetaBinomialPosterior;
import dev.quiver.bayes.ConjugatePosterior;
import dev.quiver.bayes.DirichletMultinomialPosterior;
import dev.quiver.bayes.GammaPoissonPosterior;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Updates per second of each conjugate model on one thread, through the {@link ConjugatePosterior}
 * interface as the operator calls it, over pre-built observations (no decoding in the loop). Each
 * model runs in its own fork, so the interface call is monomorphic as it is in a job, which runs
 * one model. The Dirichlet observations cycle over 8 categories whose names are fresh strings, not
 * the instances the posterior holds, so every lookup compares characters.
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar ConjugateUpdateBenchmark
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConjugateUpdateBenchmark {

    private static final int BATCH = 4096;

    @Param({
        "beta-bernoulli",
        "beta-binomial",
        "gamma-poisson",
        "gamma-poisson-exposure",
        "dirichlet"
    })
    public String model;

    private final BayesObservation[] observations = new BayesObservation[BATCH];
    private ConjugatePosterior posterior;

    @Setup(Level.Trial)
    public void setUp() {
        final SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < BATCH; i++) {
            observations[i] = observation(random);
        }
        posterior =
                switch (model) {
                    case "beta-bernoulli" -> BetaBernoulliPosterior.withPrior(1, 1);
                    case "beta-binomial" -> BetaBinomialPosterior.withPrior(1, 1);
                    case "gamma-poisson", "gamma-poisson-exposure" ->
                            GammaPoissonPosterior.withPrior(1, 1);
                    case "dirichlet" -> DirichletMultinomialPosterior.withPrior(1, 16);
                    default -> throw new IllegalArgumentException(model);
                };
    }

    private BayesObservation observation(SplittableRandom random) {
        switch (model) {
            case "beta-bernoulli":
                return BayesObservation.of(random.nextDouble() < 0.3 ? 1.0 : 0.0);
            case "beta-binomial":
                final int trials = 1 + random.nextInt(20);
                return BayesObservation.withFeatures(random.nextInt(trials + 1), trials);
            case "gamma-poisson":
                return BayesObservation.of(random.nextInt(10));
            case "gamma-poisson-exposure":
                return BayesObservation.withFeatures(random.nextInt(10), 0.5 + random.nextDouble());
            case "dirichlet":
                return BayesObservation.ofCategory("category-" + random.nextInt(8));
            default:
                throw new IllegalArgumentException(model);
        }
    }

    /** One interface call per observation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double update() {
        for (int i = 0; i < BATCH; i++) {
            posterior.update(observations[i]);
        }
        return posterior.getN();
    }
}
