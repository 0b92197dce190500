package dev.quiver.walk;

import java.util.Locale;
import java.util.Objects;

/**
 * The law of one step of a random walk: simple (+1 with probability {@code p}, else -1), lazy (stay
 * with probability {@code r}, else a simple step), Gaussian N(mu, sigma^2), or Student-t {@code
 * location + scale * T_dof}, the posterior predictive of a Normal-Inverse-Gamma posterior (the hook
 * for steps drawn from the {@code bayes} kernel's posterior of a key).
 *
 * <p>How one step is drawn from the path's {@link WalkStream} (this is part of the reproducible
 * contract, as the layout is):
 *
 * <ul>
 *   <li>simple with {@code p = 1/2}: one bit per step, 64 steps per 64-bit word, bit {@code b} of
 *       word {@code w} (least significant first) is step {@code 64 w + b + 1}, 1 meaning +1;
 *   <li>simple with other {@code p}, and lazy: one 32-bit word {@code u} per step, read as an
 *       unsigned integer: lazy stays when {@code u < round(r 2^32)}, and a step goes up when {@code
 *       u} is below the next threshold, {@code round(p 2^32)} (simple) or {@code round(r 2^32) +
 *       round((1 - r) p 2^32)} (lazy), so each probability is realised to within 2^-32;
 *   <li>Gaussian: {@code mu + sigma Z} with {@code Z} from the ziggurat (one word in about 98.8% of
 *       steps);
 *   <li>Student-t: {@code location + scale Z / sqrt(G / (dof / 2))} with {@code Z} a ziggurat
 *       normal and {@code G ~ Gamma(dof / 2)} by Marsaglia and Tsang's method.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * WalkModel fair = WalkModel.simple(0.5);       // the +-1 fast path
 * WalkModel drift = WalkModel.simple(0.55);
 * WalkModel lazy = WalkModel.lazy(0.2, 0.5);    // stays put one step in five
 * WalkModel gauss = WalkModel.gaussian(0.0, 2.0);
 * WalkModel predictive = WalkModel.studentT(0.1, 1.5, 7.0);
 * fair.isLattice();       // true
 * gauss.stepVariance();   // 4.0
 * predictive.name();      // "student-t"
 * }</pre>
 *
 * <p>Build one with the factories; the canonical constructor takes the same laws and refuses a
 * parameter the kind does not take (it must hold the value the factory gives it).
 *
 * @param kind which step law
 * @param p up-probability of a simple or lazy step (given that a lazy step moves); NaN otherwise
 * @param r probability that a lazy step stays put; 0 for the other laws
 * @param location mu of a Gaussian or location of a Student-t step; 0 for lattice steps
 * @param scale sigma of a Gaussian or scale of a Student-t step; 0 for lattice steps
 * @param dof degrees of freedom of a Student-t step; NaN otherwise
 */
public record WalkModel(Kind kind, double p, double r, double location, double scale, double dof)
        implements java.io.Serializable {

    /** The step laws. */
    public enum Kind {
        SIMPLE,
        LAZY,
        GAUSSIAN,
        STUDENT_T;

        /** The lowercase name used on the command line, e.g. {@code "student-t"}. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final double TWO_TO_32 = 0x1p32;

    /**
     * @throws IllegalArgumentException if a parameter is out of its law's range, as each factory
     *     documents, or set though the law does not take it
     */
    public WalkModel {
        switch (Objects.requireNonNull(kind, "kind")) {
            case SIMPLE, LAZY -> {
                checkProbability("p", p);
                if (kind == Kind.LAZY && !(r >= 0 && r < 1)) {
                    throw new IllegalArgumentException("laziness r must be in [0, 1), got " + r);
                }
            }
            case GAUSSIAN -> checkLocationScale("mu", location, "sigma", scale);
            case STUDENT_T -> {
                checkLocationScale("location", location, "scale", scale);
                if (!(dof > 0 && Double.isFinite(dof))) {
                    throw new IllegalArgumentException(
                            "degrees of freedom must be positive and finite, got " + dof);
                }
            }
        }
        boolean lattice = kind == Kind.SIMPLE || kind == Kind.LAZY;
        boolean takesOnlyItsOwn =
                (kind == Kind.LAZY || r == 0)
                        && (lattice ? location == 0 && scale == 0 : Double.isNaN(p))
                        && (kind == Kind.STUDENT_T || Double.isNaN(dof));
        if (!takesOnlyItsOwn) {
            throw new IllegalArgumentException(
                    "a "
                            + kind.cliName()
                            + " step takes no other parameter, got p="
                            + p
                            + ", r="
                            + r
                            + ", location="
                            + location
                            + ", scale="
                            + scale
                            + ", dof="
                            + dof);
        }
    }

    /**
     * Steps of +1 with probability {@code p}, else -1.
     *
     * @throws IllegalArgumentException unless {@code 0 <= p <= 1}
     */
    public static WalkModel simple(double p) {
        return new WalkModel(Kind.SIMPLE, p, 0, 0, 0, Double.NaN);
    }

    /**
     * Steps of 0 with probability {@code r}, else +1 with probability {@code p} and -1 otherwise.
     *
     * @throws IllegalArgumentException unless {@code 0 <= r < 1} and {@code 0 <= p <= 1}
     */
    public static WalkModel lazy(double r, double p) {
        return new WalkModel(Kind.LAZY, p, r, 0, 0, Double.NaN);
    }

    /**
     * Normal steps with mean {@code mu} and standard deviation {@code sigma}.
     *
     * @throws IllegalArgumentException unless {@code mu} is finite and {@code sigma > 0} finite
     */
    public static WalkModel gaussian(double mu, double sigma) {
        return new WalkModel(Kind.GAUSSIAN, Double.NaN, 0, mu, sigma, Double.NaN);
    }

    /**
     * Steps {@code location + scale T} with {@code T} Student-t on {@code dof} degrees of freedom:
     * the predictive of a Normal-Inverse-Gamma posterior (location = posterior mean, dof = 2 alpha,
     * scale = sqrt(beta (kappa + 1) / (alpha kappa))).
     *
     * @throws IllegalArgumentException unless {@code location} is finite, {@code scale > 0} and
     *     {@code dof > 0} finite
     */
    public static WalkModel studentT(double location, double scale, double dof) {
        return new WalkModel(Kind.STUDENT_T, Double.NaN, 0, location, scale, dof);
    }

    private static void checkProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }

    private static void checkLocationScale(
            String locationName, double location, String scaleName, double scale) {
        if (!Double.isFinite(location)) {
            throw new IllegalArgumentException(locationName + " must be finite, got " + location);
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            throw new IllegalArgumentException(
                    scaleName + " must be positive and finite, got " + scale);
        }
    }

    /** The command-line name: simple, lazy, gaussian or student-t. */
    public String name() {
        return kind.cliName();
    }

    /** True for integer steps (simple, lazy): positions stay on the lattice. */
    public boolean isLattice() {
        return kind == Kind.SIMPLE || kind == Kind.LAZY;
    }

    /** True for the model the 64-steps-per-word fast path simulates: simple with p = 1/2. */
    public boolean isFair() {
        return kind == Kind.SIMPLE && p == 0.5;
    }

    /** E[step]; NaN for a Student-t step with {@code dof <= 1}. */
    public double stepMean() {
        return switch (kind) {
            case SIMPLE -> 2 * p - 1;
            case LAZY -> (1 - r) * (2 * p - 1);
            case GAUSSIAN -> location;
            case STUDENT_T -> dof > 1 ? location : Double.NaN;
        };
    }

    /** Var[step]; infinite for a Student-t step with {@code 1 < dof <= 2}, NaN below. */
    public double stepVariance() {
        return switch (kind) {
            case SIMPLE -> 4 * p * (1 - p);
            case LAZY -> (1 - r) - Math.pow((1 - r) * (2 * p - 1), 2);
            case GAUSSIAN -> scale * scale;
            case STUDENT_T ->
                    dof > 2
                            ? scale * scale * dof / (dof - 2)
                            : dof > 1 ? Double.POSITIVE_INFINITY : Double.NaN;
        };
    }

    /** Lazy threshold {@code round(r 2^32)} as an unsigned 32-bit value held in a long. */
    long stayThreshold() {
        return kind == Kind.LAZY ? Math.round(r * TWO_TO_32) : 0;
    }

    /**
     * Up threshold: a step goes up when its unsigned word is at least the stay threshold and below
     * this.
     */
    long upThreshold() {
        return stayThreshold() + Math.round((1 - r) * p * TWO_TO_32);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SIMPLE -> "simple(p=" + p + ")";
            case LAZY -> "lazy(r=" + r + ", p=" + p + ")";
            case GAUSSIAN -> "gaussian(mu=" + location + ", sigma=" + scale + ")";
            case STUDENT_T ->
                    "student-t(location=" + location + ", scale=" + scale + ", dof=" + dof + ")";
        };
    }
}
