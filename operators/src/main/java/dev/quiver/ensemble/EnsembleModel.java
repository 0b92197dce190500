package dev.quiver.ensemble;

import dev.quiver.compute.ForestKernel;

/**
 * A model that scores rows of float features: a boosted tree ensemble ({@link TreeEnsemble}, from
 * an XGBoost file or inline trees), or a bagging or stacking composition of such models.
 *
 * <p>Scoring is batch-first: {@link #score} takes a block of rows, row-major, {@code featureCount}
 * floats each, and writes every row's margins, prediction and class probabilities into a
 * caller-owned {@link ScoreBuffer} made by {@link #newBuffer}. A single row is a batch of one and
 * allocates nothing either. Missing values are NaN; a model that has no rule for them ({@link
 * #acceptsMissing()} false) refuses a row holding one.
 *
 * <p>Models are immutable and may be shared between threads; a buffer belongs to one thread at a
 * time.
 *
 * <pre>{@code
 * EnsembleModel model = EnsembleModels.load(Path.of("churn.json"));
 * ScoreBuffer out = model.newBuffer(256);
 * model.score(rows, rowCount, model.featureCount(), out);  // rows: rowCount x featureCount floats
 * for (int r = 0; r < rowCount; r++) {
 *     double p = out.prediction(r);      // binary:logistic: the probability of class 1
 *     double margin = out.margin(r, 0);  // XGBoost's output_margin=True
 * }
 * }</pre>
 */
public interface EnsembleModel {

    /** Features per row. */
    int featureCount();

    /** Margins per row: the number of classes for multi-class models, else 1. */
    int marginCount();

    /**
     * Class probabilities per row: 0 for regressors, 2 for binary classifiers, else the classes.
     */
    int classCount();

    /** Whether NaN features are allowed (routed by each split's default direction). */
    boolean acceptsMissing();

    /** A buffer for up to {@code rowCapacity} rows of this model's outputs and scratch. */
    ScoreBuffer newBuffer(int rowCapacity);

    /**
     * Scores {@code rowCount} rows of {@code featureCount} floats each, from index 0 of {@code
     * rows}, into {@code out}.
     *
     * @throws IllegalArgumentException if {@code featureCount} is not this model's, {@code out} was
     *     made by another model or is too small, or a row holds NaN and the model has no rule for
     *     missing values
     */
    void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out);

    /**
     * This model with its trees' margins computed by {@code forests} (a compute backend's forests
     * capability): a composition binds each member. Scores are the same bits as this model's, by
     * the kernel's contract. The model returned loads its forests into the kernel now and is not
     * thread-safe (it scores through the kernel); use it only while the kernel is open.
     *
     * <pre>{@code
     * try (ComputeBackend backend = ComputeBackends.byName("auto")) {
     *     EnsembleModel scored = model.scoredBy(backend.forests());
     *     scored.score(rows, rowCount, scored.featureCount(), out); // out = scored.newBuffer(n)
     * }
     * }</pre>
     */
    EnsembleModel scoredBy(ForestKernel forests);
}
