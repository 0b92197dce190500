package dev.quiver.bayes;

import java.util.Arrays;

/**
 * A least-squares problem in square-root information form: an upper-triangular {@code R}, a vector
 * {@code z} and a residual sum {@code rss}, updated and downdated one row at a time with plane
 * rotations.
 *
 * <p>For the rows {@code (x_i, y_i)} added so far (a prior enters as rows too, e.g. {@code sqrt(α)
 * e_k} with value 0), {@code RᵀR = Σ x_i x_iᵀ}, {@code Rᵀz = Σ x_i y_i} and {@code rss = Σ y_i² -
 * zᵀz}, the minimum of {@code Σ (y_i - w·x_i)²}; the minimiser is {@code w = R⁻¹ z}. {@code [R z; 0
 * sqrt(rss)]} is the triangle of a QR factorization of the stacked rows {@code [X y]}, so the
 * normal equations are never formed and the condition number that limits accuracy is that of {@code
 * X}, not its square (G. J. Bierman, <i>Factorization Methods for Discrete Sequential
 * Estimation</i>, 1977, the square-root information filter).
 *
 * <p>{@link #addRow} rotates a new row into {@code [R z]} with Givens rotations (Golub and Van
 * Loan, <i>Matrix Computations</i>, 4th ed., §5.1.8 and §6.5); what is left of the row's value is
 * its exact contribution to {@code rss}, so {@code rss} is a sum of squares and never a difference
 * of large numbers. {@link #removeRow} is the LINPACK {@code DCHDD} downdate (Dongarra et al.,
 * <i>LINPACK Users' Guide</i>, 1979, ch. 10), which also downdates {@code z} and {@code rss}.
 *
 * <p>{@code R} is stored packed, row by row: row {@code i} holds columns {@code i..d-1}, so element
 * {@code (i, j)} is at {@code i*d - i*(i-1)/2 + (j - i)}. Row updates and solves walk rows
 * contiguously. Rotations and solves are O(d²) and allocate nothing (one scratch vector per kind is
 * preallocated); not thread-safe.
 *
 * <pre>{@code
 * RegressionFactor factor = RegressionFactor.scaledIdentity(2, 1.0); // prior rows e_0, e_1
 * factor.addRow(new double[] {1.0, 2.0}, 3.0);
 * double[] w = new double[2];
 * factor.solve(w); // ridge solution of the rows so far
 * }</pre>
 */
final class RegressionFactor {

    private final int dimension;
    private final double[] r;
    private final double[] z;
    private double rss;

    /** Rotated copy of the incoming row, then R⁻ᵀx for a downdate. */
    private final double[] work;

    private final double[] cosines;
    private final double[] sines;

    private RegressionFactor(int dimension, double[] r, double[] z, double rss) {
        this.dimension = dimension;
        this.r = r;
        this.z = z;
        this.rss = rss;
        this.work = new double[dimension];
        this.cosines = new double[dimension];
        this.sines = new double[dimension];
    }

    /** The factor of the rows {@code diagonal * e_k} (value 0) for every k: R = diagonal * I. */
    static RegressionFactor scaledIdentity(int dimension, double diagonal) {
        final RegressionFactor factor =
                new RegressionFactor(
                        dimension, new double[packedSize(dimension)], new double[dimension], 0.0);
        factor.resetToScaledIdentity(diagonal);
        return factor;
    }

    /** Wraps arrays already checked by the caller; they are owned by the factor from now on. */
    static RegressionFactor of(int dimension, double[] packedR, double[] z, double rss) {
        assert packedR.length == packedSize(dimension) && z.length == dimension;
        return new RegressionFactor(dimension, packedR, z, rss);
    }

    /** The number of doubles in a packed d×d upper triangle. */
    static int packedSize(int dimension) {
        return dimension * (dimension + 1) / 2;
    }

    RegressionFactor copy() {
        return new RegressionFactor(dimension, r.clone(), z.clone(), rss);
    }

    void copyFrom(RegressionFactor other) {
        assert other.dimension == dimension;
        System.arraycopy(other.r, 0, r, 0, r.length);
        System.arraycopy(other.z, 0, z, 0, dimension);
        rss = other.rss;
    }

    void resetToScaledIdentity(double diagonal) {
        Arrays.fill(r, 0.0);
        Arrays.fill(z, 0.0);
        rss = 0.0;
        for (int i = 0, diag = 0; i < dimension; diag += dimension - i, i++) {
            r[diag] = diagonal;
        }
    }

    /** The packed R (not a copy). */
    double[] packedR() {
        return r;
    }

    /** z = R⁻ᵀ Σ x_i y_i (not a copy). */
    double[] z() {
        return z;
    }

    /** The residual sum of squares of the least-squares problem, {@code >= 0}. */
    double rss() {
        return rss;
    }

    double diagonal(int i) {
        return r[rowStart(i)];
    }

    /** Adds the row {@code (x, y)}; {@code x} is read, not changed. O(d²), no allocation. */
    void addRow(double[] x, double y) {
        System.arraycopy(x, 0, work, 0, dimension);
        rotateIn(y, 0);
    }

    /** Adds the row {@code value * e_k} with value 0, as a prior or a decay's prior top-up does. */
    void addUnitRow(int k, double value) {
        Arrays.fill(work, k + 1, dimension, 0.0);
        work[k] = value;
        rotateIn(0.0, k);
    }

    /** Adds all rows behind {@code other}: its rows of {@code [R z]} and its residual sum. */
    void addFactor(RegressionFactor other) {
        assert other != this && other.dimension == dimension;
        for (int i = 0, start = 0; i < dimension; start += dimension - i, i++) {
            System.arraycopy(other.r, start, work, i, dimension - i);
            rotateIn(other.z[i], i);
        }
        rss += other.rss;
    }

    /**
     * Rotates {@code work[first..d-1]} with value {@code y} into {@code [R z]}: rotation k zeroes
     * {@code work[k]} against {@code R[k][k]}. The value's remainder after the last rotation is the
     * row's residual against the updated fit; its square is what the row adds to {@code rss}.
     */
    private void rotateIn(double y, int first) {
        final int d = dimension;
        double residual = y;
        int diag = rowStart(first);
        for (int k = first; k < d; diag += d - k, k++) {
            final double xk = work[k];
            // A zero needs no rotation (c = 1, s = 0): sparse rows are cheaper and stay exact.
            if (xk == 0.0) {
                continue;
            }
            final double rkk = r[diag];
            // No hypot: inputs are bounded (see BayesianLinearRegression), so the squares neither
            // overflow nor underflow, and Math.hypot would cost several times the rest of the loop.
            final double h = Math.sqrt(rkk * rkk + xk * xk);
            final double inverse = 1.0 / h;
            final double c = rkk * inverse;
            final double s = xk * inverse;
            r[diag] = h;
            for (int j = k + 1, at = diag + 1; j < d; j++, at++) {
                final double rkj = r[at];
                final double wj = work[j];
                r[at] = c * rkj + s * wj;
                work[j] = c * wj - s * rkj;
            }
            final double zk = z[k];
            z[k] = c * zk + s * residual;
            residual = c * residual - s * zk;
        }
        rss += residual * residual;
    }

    /**
     * Prepares the removal of the row {@code x}: computes {@code p = R⁻ᵀx} into the scratch vector
     * and returns {@code 1 - |p|²}, which equals {@code 1 - xᵀ(RᵀR)⁻¹x} and is {@code > 0} exactly
     * when {@code RᵀR - xxᵀ} is positive definite. Changes nothing.
     */
    double removalPivot(double[] x) {
        System.arraycopy(x, 0, work, 0, dimension);
        return pivotOfWork();
    }

    /** {@link #removalPivot} for the row {@code value * e_k}. */
    double unitRemovalPivot(int k, double value) {
        Arrays.fill(work, 0.0);
        work[k] = value;
        return pivotOfWork();
    }

    private double pivotOfWork() {
        solveTransposedInPlace(work);
        double squaredNorm = 0.0;
        for (int i = 0; i < dimension; i++) {
            squaredNorm += work[i] * work[i];
        }
        return 1.0 - squaredNorm;
    }

    /**
     * Removes the row prepared by the last {@link #removalPivot} call, with value {@code y}, as
     * LINPACK's {@code DCHDD} does. {@code pivot} must be that call's result and {@code > 0}.
     *
     * <p>The new {@code rss} is {@code rss - ζ²} for the row's residual ζ against the downdated
     * fit. When the remaining rows fit with no residual (e.g. all their values are 0), rounding can
     * make that difference a few ulps negative; it is then set to 0, the true value.
     */
    void removeRow(double pivot, double y) {
        assert pivot > 0.0 : pivot;
        final int d = dimension;
        // The rotations that turn (p, sqrt(pivot)) into (0, 1), from the last coordinate up.
        double alpha = Math.sqrt(pivot);
        for (int i = d - 1; i >= 0; i--) {
            final double scale = alpha + Math.abs(work[i]);
            final double a = alpha / scale;
            final double b = work[i] / scale;
            final double norm = Math.sqrt(a * a + b * b);
            cosines[i] = a / norm;
            sines[i] = b / norm;
            alpha = scale * norm;
        }
        // Applied to [R; 0] they leave the removed row below R; work holds that row as it builds.
        Arrays.fill(work, 0.0);
        for (int i = d - 1, start = rowStart(d - 1); i >= 0; i--) {
            final double c = cosines[i];
            final double s = sines[i];
            for (int j = i, at = start; j < d; j++, at++) {
                final double rij = r[at];
                final double xj = work[j];
                work[j] = c * xj + s * rij;
                r[at] = c * rij - s * xj;
            }
            if (i > 0) {
                start -= d - i + 1;
            }
        }
        double zeta = y;
        for (int i = 0; i < d; i++) {
            final double c = cosines[i];
            final double s = sines[i];
            z[i] = (z[i] - s * zeta) / c;
            zeta = c * zeta - s * z[i];
        }
        rss = Math.max(0.0, rss - zeta * zeta);
    }

    /** Multiplies every row by {@code sqrt(lambda)}: RᵀR, Rᵀz and rss all scale by lambda. */
    void scale(double lambda) {
        final double root = Math.sqrt(lambda);
        for (int i = 0; i < r.length; i++) {
            r[i] *= root;
        }
        for (int i = 0; i < dimension; i++) {
            z[i] *= root;
        }
        rss *= lambda;
    }

    /** Writes {@code w = R⁻¹ z}, the least-squares solution, into {@code out}. O(d²). */
    void solve(double[] out) {
        final int d = dimension;
        for (int i = d - 1; i >= 0; i--) {
            final int start = rowStart(i);
            double sum = z[i];
            for (int j = i + 1, at = start + 1; j < d; j++, at++) {
                sum -= r[at] * out[j];
            }
            out[i] = sum / r[start];
        }
    }

    /** Overwrites {@code x} with {@code R⁻ᵀ x} by forward substitution. O(d²). */
    void solveTransposedInPlace(double[] x) {
        final int d = dimension;
        for (int k = 0, diag = 0; k < d; diag += d - k, k++) {
            final double pk = x[k] / r[diag];
            x[k] = pk;
            if (pk != 0.0) {
                for (int j = k + 1, at = diag + 1; j < d; j++, at++) {
                    x[j] -= r[at] * pk;
                }
            }
        }
    }

    /**
     * Returns the diagonal of {@code (RᵀR)⁻¹ = R⁻¹R⁻ᵀ}: entry i is the squared norm of row i of
     * {@code R⁻¹}. O(d³), allocates the inverse.
     */
    double[] inverseGramDiagonal() {
        final int d = dimension;
        // Column j of R⁻¹ solves R c = e_j; rows below j are 0.
        final double[] squaredRowNorms = new double[d];
        final double[] column = new double[d];
        for (int j = 0; j < d; j++) {
            for (int i = j; i >= 0; i--) {
                final int start = rowStart(i);
                double sum = i == j ? 1.0 : 0.0;
                for (int k = i + 1, at = start + 1; k <= j; k++, at++) {
                    sum -= r[at] * column[k];
                }
                column[i] = sum / r[start];
                squaredRowNorms[i] += column[i] * column[i];
            }
        }
        return squaredRowNorms;
    }

    /** Returns {@code Σ log R[i][i]}, half the log determinant of RᵀR. */
    double sumLogDiagonal() {
        double sum = 0.0;
        for (int i = 0, diag = 0; i < dimension; diag += dimension - i, i++) {
            sum += Math.log(r[diag]);
        }
        return sum;
    }

    /** Returns the Frobenius norm of R, the square root of the trace of RᵀR. */
    double frobeniusNorm() {
        double sum = 0.0;
        for (double value : r) {
            sum += value * value;
        }
        return Math.sqrt(sum);
    }

    private int rowStart(int i) {
        return i * dimension - i * (i - 1) / 2;
    }
}
