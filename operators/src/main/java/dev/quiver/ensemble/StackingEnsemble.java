package dev.quiver.ensemble;

import dev.quiver.compute.ForestKernel;

import dev.quiver.ensemble.EnsembleModels.BaseOutput;
import dev.quiver.ensemble.EnsembleModels.MetaLearner;

import java.util.ArrayList;
import java.util.List;

/**
 * Stacking: base models scored first, then a linear or logistic meta-learner over their outputs,
 * optionally with the raw features passed through.
 *
 * <p>The meta-learner's input row is, base model by base model, in order: with {@link
 * BaseOutput#PROBABILITY}, a regressor's prediction, a binary classifier's probability of class 1
 * (one column, as scikit-learn's {@code StackingClassifier} drops the redundant class 0), or a
 * multi-class model's class probabilities; with {@link BaseOutput#MARGIN}, every base model's
 * margins. With passthrough the row's raw features follow. Then {@code z = intercept + sum_i
 * weights[i] * input[i]} in double, in that order. A linear meta-learner predicts {@code z}; a
 * logistic one has margin {@code z}, prediction {@code p = 1 / (1 + e^-z)} and probabilities {@code
 * [1 - p, p]}.
 */
final class StackingEnsemble extends ShapedEnsemble {

    /**
     * The meta-learner: linear or logistic, its intercept and one weight per input column.
     *
     * @param learner the kind of meta-learner
     * @param intercept the constant term of {@code z}
     * @param weights the weight of each input column
     */
    record Meta(MetaLearner learner, double intercept, double[] weights) {}

    private final EnsembleModel[] base;
    private final BaseOutput baseOutput;
    private final boolean passthrough;
    private final MetaLearner learner;
    private final double intercept;
    private final double[] weights;

    StackingEnsemble(
            List<? extends EnsembleModel> base,
            BaseOutput baseOutput,
            boolean passthrough,
            Meta meta) {
        super(shapeOf(base, passthrough, meta.learner()));
        this.base = base.toArray(new EnsembleModel[0]);
        this.baseOutput = baseOutput;
        this.passthrough = passthrough;
        this.learner = meta.learner();
        this.intercept = meta.intercept();
        this.weights = meta.weights().clone();
        int inputs = passthrough ? featureCount : 0;
        for (EnsembleModel model : this.base) {
            inputs += columns(model);
        }
        if (weights.length != inputs) {
            throw new ModelFormatException(
                    "the meta-learner has "
                            + weights.length
                            + " weights for "
                            + inputs
                            + " inputs");
        }
        if (!Double.isFinite(intercept)) {
            throw new ModelFormatException("the meta-learner's intercept is not finite");
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                throw new ModelFormatException("the meta-learner has a non-finite weight");
            }
        }
    }

    /**
     * One margin, the meta-learner's, and two classes when it is logistic; missing values only
     * when no raw feature is passed through and every base model accepts them.
     *
     * @throws ModelFormatException if there are no base models or they take different features
     */
    private static Shape shapeOf(
            List<? extends EnsembleModel> base, boolean passthrough, MetaLearner meta) {
        if (base.isEmpty()) {
            throw new ModelFormatException("stacking needs at least one base model");
        }
        int featureCount = base.get(0).featureCount();
        boolean missing = !passthrough;
        for (int m = 0; m < base.size(); m++) {
            EnsembleModel model = base.get(m);
            if (model.featureCount() != featureCount) {
                throw new ModelFormatException(
                        "stacking base model "
                                + m
                                + " takes "
                                + model.featureCount()
                                + " features; base model 0 takes "
                                + featureCount);
            }
            missing &= model.acceptsMissing();
        }
        int classCount = meta == MetaLearner.LOGISTIC ? 2 : 0;
        return new Shape(featureCount, 1, classCount, missing);
    }

    private int columns(EnsembleModel model) {
        if (baseOutput == BaseOutput.MARGIN) {
            return model.marginCount();
        }
        return model.classCount() == 0 ? 1 : model.classCount() == 2 ? 1 : model.classCount();
    }

    @Override
    public ScoreBuffer newBuffer(int rowCapacity) {
        return ScoreBuffer.forComposition(this, base, rowCapacity, weights.length);
    }

    @Override
    public EnsembleModel scoredBy(ForestKernel forests) {
        List<EnsembleModel> scored = new ArrayList<>(base.length);
        for (EnsembleModel model : base) {
            scored.add(model.scoredBy(forests));
        }
        return new StackingEnsemble(
                scored, baseOutput, passthrough, new Meta(learner, intercept, weights));
    }

    @Override
    public void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        checkRows(rows, rowCount, featureCount, out);
        for (int m = 0; m < base.length; m++) {
            base[m].score(rows, rowCount, featureCount, out.members[m]);
        }
        double[] input = out.metaFeatures;
        for (int r = 0; r < rowCount; r++) {
            int column = 0;
            for (int m = 0; m < base.length; m++) {
                column = inputs(out.members[m], r, input, column);
            }
            if (passthrough) {
                for (int f = 0; f < featureCount; f++) {
                    input[column++] = rows[r * featureCount + f];
                }
            }
            double z = intercept;
            for (int i = 0; i < column; i++) {
                z += weights[i] * input[i];
            }
            out.margins[r] = z;
            if (learner == MetaLearner.LOGISTIC) {
                double p = Objective.sigmoid(z);
                out.predictions[r] = p;
                out.probabilities[2 * r] = 1 - p;
                out.probabilities[2 * r + 1] = p;
            } else {
                out.predictions[r] = z;
            }
        }
    }

    private int inputs(ScoreBuffer member, int r, double[] input, int column) {
        int classes = member.classCount();
        if (baseOutput == BaseOutput.MARGIN) {
            int margins = member.marginCount();
            System.arraycopy(member.margins, r * margins, input, column, margins);
            return column + margins;
        }
        if (classes == 0) {
            input[column] = member.predictions[r];
            return column + 1;
        }
        if (classes == 2) {
            input[column] = member.probabilities[2 * r + 1];
            return column + 1;
        }
        System.arraycopy(member.probabilities, r * classes, input, column, classes);
        return column + classes;
    }
}
