package dev.quiver.ensemble;

import static dev.quiver.ensemble.ModelDocument.intParameter;
import static dev.quiver.ensemble.ModelDocument.list;
import static dev.quiver.ensemble.ModelDocument.numbers;
import static dev.quiver.ensemble.ModelDocument.object;
import static dev.quiver.ensemble.ModelDocument.string;

import java.util.List;
import java.util.Map;

/**
 * Turns a parsed XGBoost model document (JSON or UBJSON, as written by {@code save_model} in
 * XGBoost 1.x, 2.x and 3.x) into a {@link TreeEnsemble}.
 *
 * <p>Read: {@code learner.learner_model_param} ({@code num_feature}, {@code num_class}, {@code
 * num_target}, {@code base_score} as {@code "5E-1"} or 3.x's vector {@code "[5E-1]"} / {@code
 * "[a,b,c]"}), {@code learner.objective.name}, {@code learner.gradient_booster} ({@code name},
 * {@code model.trees}, {@code model.tree_info}) and each tree's {@code tree_param.num_nodes},
 * {@code left_children}, {@code right_children}, {@code split_indices}, {@code split_conditions},
 * {@code default_left} and {@code split_type}. Ignored: statistics ({@code base_weights}, {@code
 * loss_changes}, {@code sum_hessian}, {@code parents}), {@code iteration_indptr}, {@code
 * attributes} and the categorical tables when no split uses them.
 *
 * <p>Refused, with a message naming the feature: the {@code dart} and {@code gblinear} boosters,
 * categorical splits ({@code split_type} 1), vector leaves and multi-target models, objectives
 * other than those of {@link Objective}.
 */
final class XgboostModelReader {

    private XgboostModelReader() {}

    static TreeEnsemble read(Object document, LoadLimits limits) {
        Map<String, Object> learner = object(object(document, "$"), "learner", "$");
        String path = "learner";
        Map<String, Object> booster = object(learner, "gradient_booster", path);
        String boosterName = string(booster, "name", path + ".gradient_booster");
        if (boosterName.equals("dart")) {
            throw new ModelFormatException(
                    "the dart booster is not supported (its trees are weighted by dropout);"
                            + " save a gbtree model");
        }
        if (boosterName.equals("gblinear")) {
            throw new ModelFormatException(
                    "the gblinear (linear) booster is not supported; only gbtree");
        }
        if (!boosterName.equals("gbtree")) {
            throw new ModelFormatException("booster '" + boosterName + "' is not supported");
        }
        Map<String, Object> parameters = object(learner, "learner_model_param", path);
        String parametersPath = path + ".learner_model_param";
        int featureCount = intParameter(parameters, "num_feature", parametersPath, -1);
        int classCount = intParameter(parameters, "num_class", parametersPath, 0);
        int targetCount = intParameter(parameters, "num_target", parametersPath, 1);
        if (targetCount != 1) {
            throw new ModelFormatException(
                    "multi-target models are not supported (num_target = " + targetCount + ")");
        }
        Objective objective =
                Objective.fromXgboostName(
                        string(object(learner, "objective", path), "name", path + ".objective"));
        if (objective.isMultiClass() != classCount > 0) {
            throw new ModelFormatException(
                    "objective " + objective.xgboostName() + " with num_class = " + classCount);
        }
        int marginCount = Math.max(classCount, 1);
        TreeLayout layout = new TreeLayout(featureCount, marginCount, limits);
        float[] baseMargins =
                baseMargins(
                        string(parameters, "base_score", parametersPath), objective, marginCount);

        Map<String, Object> model = object(booster, "model", path + ".gradient_booster");
        String modelPath = path + ".gradient_booster.model";
        Map<String, Object> modelParameters = object(model, "gbtree_model_param", modelPath);
        int claimedTrees =
                intParameter(modelParameters, "num_trees", modelPath + ".gbtree_model_param", 0);
        if (claimedTrees < 0 || claimedTrees > limits.maxTrees()) {
            throw new ModelFormatException(
                    "the model claims "
                            + claimedTrees
                            + " trees; the limit is "
                            + limits.maxTrees());
        }
        if (intParameter(modelParameters, "size_leaf_vector", modelPath, 0) > 1) {
            throw new ModelFormatException("vector-leaf (multi-target) trees are not supported");
        }
        List<?> trees = list(model.get("trees"), modelPath + ".trees");
        NumericArray treeInfo = numbers(model, "tree_info", modelPath);
        if (trees.size() != claimedTrees || treeInfo.length() != claimedTrees) {
            throw new ModelFormatException(
                    "num_trees is "
                            + claimedTrees
                            + " but there are "
                            + trees.size()
                            + " trees and "
                            + treeInfo.length()
                            + " tree_info entries");
        }
        String[] names = featureNames(learner);
        for (int t = 0; t < claimedTrees; t++) {
            String treePath = modelPath + ".trees[" + t + "]";
            addTree(
                    layout,
                    object(trees.get(t), treePath),
                    treeInfo.intAt(t, modelPath + ".tree_info"),
                    names,
                    treePath);
        }
        return layout.build(objective, baseMargins);
    }

    private static void addTree(
            TreeLayout layout, Map<String, Object> tree, int group, String[] names, String path) {
        Map<String, Object> treeParameters = object(tree, "tree_param", path);
        int count = intParameter(treeParameters, "num_nodes", path + ".tree_param", -1);
        layout.checkClaim(count, path);
        if (intParameter(treeParameters, "size_leaf_vector", path + ".tree_param", 0) > 1) {
            throw new ModelFormatException(path + " has vector leaves, which are not supported");
        }
        NumericArray lefts = sized(tree, "left_children", count, path);
        NumericArray rights = sized(tree, "right_children", count, path);
        NumericArray indices = sized(tree, "split_indices", count, path);
        NumericArray conditions = sized(tree, "split_conditions", count, path);
        NumericArray defaults = sized(tree, "default_left", count, path);
        NumericArray types =
                tree.containsKey("split_type") ? sized(tree, "split_type", count, path) : null;

        int[] left = new int[count];
        int[] right = new int[count];
        int[] feature = new int[count];
        float[] condition = new float[count];
        byte[] missing = new byte[count];
        for (int i = 0; i < count; i++) {
            left[i] = lefts.intAt(i, path + ".left_children");
            condition[i] = conditions.floatAt(i);
            if (left[i] == -1) {
                // A leaf (or a deleted node): its split index may be XGBoost's deleted marker.
                continue;
            }
            right[i] = rights.intAt(i, path + ".right_children");
            feature[i] = indices.intAt(i, path + ".split_indices");
            missing[i] =
                    defaults.doubleAt(i) != 0 ? TreeLayout.MISSING_LEFT : TreeLayout.MISSING_RIGHT;
            if (types != null && types.doubleAt(i) != 0) {
                throw new ModelFormatException(
                        "categorical split on feature "
                                + feature[i]
                                + featureName(names, feature[i])
                                + " at "
                                + path
                                + " node "
                                + i
                                + " is not supported; encode the feature numerically");
            }
        }
        layout.addTree(group, count, left, right, feature, condition, missing, condition, path);
    }

    private static NumericArray sized(
            Map<String, Object> tree, String key, int count, String path) {
        NumericArray array = numbers(tree, key, path);
        if (array.length() != count) {
            throw new ModelFormatException(
                    path
                            + "."
                            + key
                            + " has "
                            + array.length()
                            + " entries for "
                            + count
                            + " nodes");
        }
        return array;
    }

    /**
     * {@code base_score} as XGBoost writes it: one float ({@code "5E-1"}), or 3.x's bracketed list
     * of one value or one per class; then {@link Objective#baseMargin}.
     */
    static float[] baseMargins(String text, Objective objective, int marginCount) {
        String trimmed = text.trim();
        boolean vector = trimmed.startsWith("[") && trimmed.endsWith("]");
        String[] parts =
                (vector ? trimmed.substring(1, trimmed.length() - 1) : trimmed).split(",", -1);
        if (parts.length != 1 && parts.length != marginCount) {
            throw new ModelFormatException(
                    "base_score '"
                            + text
                            + "' has "
                            + parts.length
                            + " values for "
                            + marginCount
                            + " outputs");
        }
        float[] margins = new float[marginCount];
        for (int k = 0; k < marginCount; k++) {
            String part = parts[parts.length == 1 ? 0 : k].trim();
            float score;
            try {
                score = Float.parseFloat(part);
            } catch (NumberFormatException e) {
                throw new ModelFormatException("base_score '" + text + "' is not a number");
            }
            margins[k] = objective.baseMargin(score);
        }
        return margins;
    }

    private static String[] featureNames(Map<String, Object> learner) {
        Object value = learner.get("feature_names");
        if (!(value instanceof List<?> list)) {
            return new String[0];
        }
        String[] names = new String[list.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = list.get(i) instanceof String s ? s : null;
        }
        return names;
    }

    private static String featureName(String[] names, int feature) {
        return feature >= 0 && feature < names.length && names[feature] != null
                ? " ('" + names[feature] + "')"
                : "";
    }
}
