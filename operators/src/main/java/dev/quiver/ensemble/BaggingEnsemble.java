package dev.quiver.ensemble;

import dev.quiver.compute.ForestKernel;

import dev.quiver.ensemble.EnsembleModels.Combine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bagging: members scored independently and combined by their mean or by majority vote.
 *
 * <p><b>Mean.</b> Margins are the mean of the members' margins, probabilities the mean of their
 * probabilities, and the prediction the mean of their predictions for regressors; for classifiers
 * it is the mean probability of class 1 when there are two classes (as {@code binary:logistic}'s
 * prediction) and the class of highest mean probability otherwise.
 *
 * <p><b>Vote</b> (classifiers only). Each member votes for its most probable class (the first of
 * the largest probabilities, so a binary member votes 1 when {@code p > 0.5}); margins are the vote
 * counts, probabilities the vote shares and the prediction the class with most votes, ties going to
 * the lowest class.
 */
final class BaggingEnsemble extends ShapedEnsemble {

    private final EnsembleModel[] members;
    private final Combine combine;

    BaggingEnsemble(List<? extends EnsembleModel> members, Combine combine) {
        super(shapeOf(members, combine));
        this.members = members.toArray(new EnsembleModel[0]);
        this.combine = combine;
    }

    /**
     * The members' common shape, with a margin per class when they vote.
     *
     * @throws ModelFormatException if there are no members, they differ in shape, or they vote
     *     without being classifiers
     */
    private static Shape shapeOf(List<? extends EnsembleModel> members, Combine combine) {
        if (members.isEmpty()) {
            throw new ModelFormatException("bagging needs at least one member");
        }
        EnsembleModel first = members.get(0);
        int featureCount = first.featureCount();
        int classCount = first.classCount();
        boolean missing = true;
        for (int m = 0; m < members.size(); m++) {
            EnsembleModel member = members.get(m);
            if (member.featureCount() != featureCount
                    || member.classCount() != classCount
                    || member.marginCount() != first.marginCount()) {
                throw new ModelFormatException(
                        "bagging member "
                                + m
                                + " takes "
                                + member.featureCount()
                                + " features with "
                                + member.marginCount()
                                + " margins and "
                                + member.classCount()
                                + " classes; member 0 takes "
                                + featureCount
                                + " with "
                                + first.marginCount()
                                + " and "
                                + classCount);
            }
            missing &= member.acceptsMissing();
        }
        if (combine == Combine.VOTE && classCount == 0) {
            throw new ModelFormatException("majority vote needs classifiers; the members regress");
        }
        int marginCount = combine == Combine.VOTE ? classCount : first.marginCount();
        return new Shape(featureCount, marginCount, classCount, missing);
    }

    @Override
    public EnsembleModel scoredBy(ForestKernel forests) {
        List<EnsembleModel> scored = new ArrayList<>(members.length);
        for (EnsembleModel member : members) {
            scored.add(member.scoredBy(forests));
        }
        return new BaggingEnsemble(scored, combine);
    }

    @Override
    public ScoreBuffer newBuffer(int rowCapacity) {
        return ScoreBuffer.forComposition(this, members, rowCapacity, 0);
    }

    @Override
    public void score(float[] rows, int rowCount, int featureCount, ScoreBuffer out) {
        checkRows(rows, rowCount, featureCount, out);
        Arrays.fill(out.margins, 0, rowCount * marginCount, 0.0);
        Arrays.fill(out.predictions, 0, rowCount, 0.0);
        Arrays.fill(out.probabilities, 0, rowCount * classCount, 0.0);
        for (int m = 0; m < members.length; m++) {
            ScoreBuffer member = out.members[m];
            members[m].score(rows, rowCount, featureCount, member);
            if (combine == Combine.MEAN) {
                add(member.margins, out.margins, rowCount * marginCount);
                add(member.predictions, out.predictions, rowCount);
                add(member.probabilities, out.probabilities, rowCount * classCount);
            } else {
                for (int r = 0; r < rowCount; r++) {
                    out.margins[r * classCount + argmax(member.probabilities, r * classCount)] += 1;
                }
            }
        }
        double n = members.length;
        for (int r = 0; r < rowCount; r++) {
            if (combine == Combine.MEAN) {
                for (int k = 0; k < marginCount; k++) {
                    out.margins[r * marginCount + k] /= n;
                }
                for (int k = 0; k < classCount; k++) {
                    out.probabilities[r * classCount + k] /= n;
                }
                if (classCount == 2) {
                    out.predictions[r] = out.probabilities[2 * r + 1];
                } else if (classCount > 2) {
                    out.predictions[r] = argmax(out.probabilities, r * classCount);
                } else {
                    out.predictions[r] /= n;
                }
            } else {
                for (int k = 0; k < classCount; k++) {
                    out.probabilities[r * classCount + k] = out.margins[r * classCount + k] / n;
                }
                out.predictions[r] = argmax(out.margins, r * classCount);
            }
        }
    }

    private int argmax(double[] values, int from) {
        int best = 0;
        for (int k = 1; k < classCount; k++) {
            if (values[from + k] > values[from + best]) {
                best = k;
            }
        }
        return best;
    }

    private static void add(double[] from, double[] to, int count) {
        for (int i = 0; i < count; i++) {
            to[i] += from[i];
        }
    }
}
