package dev.quiver.ensemble;

import static dev.quiver.ensemble.ModelDocument.intNumber;
import static dev.quiver.ensemble.ModelDocument.list;
import static dev.quiver.ensemble.ModelDocument.number;
import static dev.quiver.ensemble.ModelDocument.numbers;
import static dev.quiver.ensemble.ModelDocument.object;
import static dev.quiver.ensemble.ModelDocument.required;
import static dev.quiver.ensemble.ModelDocument.string;

import dev.quiver.ensemble.EnsembleModels.BaseOutput;
import dev.quiver.ensemble.EnsembleModels.Combine;
import dev.quiver.ensemble.EnsembleModels.MemberFiles;
import dev.quiver.ensemble.EnsembleModels.MetaLearner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads Quiver's composition document ({@code "format": "quiver-ensemble"}): bagging, stacking, or
 * inline trees; the format is documented in the package overview.
 */
final class CompositionReader {

    private static final Set<String> TREE_MODEL_FIELDS =
            Set.of("objective", "features", "classes", "base_margin", "trees");

    /** The fields every composition document has beside its type's own. */
    private static final Set<String> DOCUMENT_FIELDS = Set.of("format", "version", "type");

    private final MemberFiles files;
    private final LoadLimits limits;

    CompositionReader(MemberFiles files, LoadLimits limits) {
        this.files = files;
        this.limits = limits;
    }

    EnsembleModel read(Map<String, Object> document) {
        String path = "$";
        int version = intNumber(required(document, "version", path), path + ".version");
        if (version != EnsembleModels.COMPOSITION_VERSION) {
            throw new ModelFormatException(
                    "quiver-ensemble version "
                            + version
                            + " is not supported (only "
                            + EnsembleModels.COMPOSITION_VERSION
                            + ")");
        }
        String type = string(document, "type", path);
        if (!type.equals("trees") && document.containsKey(EmbeddedFiles.FIELD)) {
            MemberFiles embedded =
                    EmbeddedFiles.reader(
                            object(document, EmbeddedFiles.FIELD, path),
                            path + "." + EmbeddedFiles.FIELD);
            return new CompositionReader(embedded, limits).readComposition(document, type, path);
        }
        return readComposition(document, type, path);
    }

    private EnsembleModel readComposition(Map<String, Object> document, String type, String path) {
        switch (type) {
            case "trees":
                checkFields(document, path, union(TREE_MODEL_FIELDS, DOCUMENT_FIELDS));
                return readTrees(document, path);
            case "bagging":
                checkFields(
                        document,
                        path,
                        union(DOCUMENT_FIELDS, "combine", "members", EmbeddedFiles.FIELD));
                Combine combine = enumValue(Combine.class, document, "combine", path);
                return new BaggingEnsemble(members(document, "members", path), combine);
            case "stacking":
                checkFields(
                        document,
                        path,
                        union(
                                DOCUMENT_FIELDS,
                                "base",
                                "base_output",
                                "passthrough",
                                "meta",
                                EmbeddedFiles.FIELD));
                BaseOutput output = enumValue(BaseOutput.class, document, "base_output", path);
                Object passthroughValue = document.getOrDefault("passthrough", Boolean.FALSE);
                if (!(passthroughValue instanceof Boolean passthrough)) {
                    throw ModelDocument.wrongType(
                            passthroughValue, path + ".passthrough", "a boolean");
                }
                Map<String, Object> meta = object(document, "meta", path);
                String metaPath = path + ".meta";
                checkFields(meta, metaPath, Set.of("model", "intercept", "weights"));
                MetaLearner learner = enumValue(MetaLearner.class, meta, "model", metaPath);
                double intercept =
                        number(required(meta, "intercept", metaPath), metaPath + ".intercept");
                NumericArray weightArray = numbers(meta, "weights", metaPath);
                double[] weights = new double[weightArray.length()];
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = weightArray.doubleAt(i);
                }
                return new StackingEnsemble(
                        members(document, "base", path),
                        output,
                        passthrough,
                        new StackingEnsemble.Meta(learner, intercept, weights));
            default:
                throw new ModelFormatException(
                        "unknown composition type '"
                                + type
                                + "'; expected trees, bagging or stacking");
        }
    }

    private List<EnsembleModel> members(Map<String, Object> document, String key, String path) {
        List<?> entries = list(required(document, key, path), path + "." + key);
        if (entries.size() > limits.maxMembers()) {
            throw new ModelFormatException(
                    path
                            + "."
                            + key
                            + " has "
                            + entries.size()
                            + " members; the limit is "
                            + limits.maxMembers());
        }
        List<EnsembleModel> models = new ArrayList<>(entries.size());
        for (int m = 0; m < entries.size(); m++) {
            String memberPath = path + "." + key + "[" + m + "]";
            Map<String, Object> member = object(entries.get(m), memberPath);
            if (member.size() != 1) {
                throw new ModelFormatException(
                        memberPath + " must have exactly one field, 'xgboost' or 'trees'");
            }
            if (member.containsKey("xgboost")) {
                String name = string(member, "xgboost", memberPath);
                models.add(EnsembleModels.fromXgboost(readMember(name, memberPath), limits));
            } else if (member.containsKey("trees")) {
                Map<String, Object> trees = object(member, "trees", memberPath);
                checkFields(trees, memberPath + ".trees", TREE_MODEL_FIELDS);
                models.add(readTrees(trees, memberPath + ".trees"));
            } else {
                throw new ModelFormatException(
                        memberPath + " must have exactly one field, 'xgboost' or 'trees'");
            }
        }
        return models;
    }

    private byte[] readMember(String name, String path) {
        if (files == null) {
            throw new ModelFormatException(
                    path
                            + " names file '"
                            + name
                            + "', but this composition was read from bytes alone: use inline"
                            + " trees, embed its files (EnsembleModels.selfContained), or load it"
                            + " from a file");
        }
        try {
            byte[] bytes = files.read(name);
            limits.checkSize(bytes.length, "member file '" + name + "'");
            return bytes;
        } catch (IOException e) {
            throw new ModelFormatException(
                    path + ": cannot read member file '" + name + "': " + e.getMessage(), e);
        }
    }

    /** Inline trees: {@code objective}, {@code features}, {@code classes}, {@code base_margin}. */
    private TreeEnsemble readTrees(Map<String, Object> document, String path) {
        Objective objective =
                Objective.fromXgboostName(
                        document.containsKey("objective")
                                ? string(document, "objective", path)
                                : Objective.REG_SQUAREDERROR.xgboostName());
        int features = intNumber(required(document, "features", path), path + ".features");
        int classes =
                document.containsKey("classes")
                        ? intNumber(document.get("classes"), path + ".classes")
                        : 0;
        if (objective.isMultiClass() != classes > 0) {
            throw new ModelFormatException(
                    path
                            + ": objective "
                            + objective.xgboostName()
                            + " with classes = "
                            + classes
                            + " (multi-class objectives need 'classes', others must not have it)");
        }
        int outputs = Math.max(classes, 1);
        TreeLayout layout = new TreeLayout(features, outputs, limits);
        float[] baseMargins = new float[outputs];
        Object base = document.get("base_margin");
        if (base instanceof NumericArray array) {
            if (array.length() != outputs) {
                throw new ModelFormatException(
                        path
                                + ".base_margin has "
                                + array.length()
                                + " values for "
                                + outputs
                                + " outputs");
            }
            for (int k = 0; k < outputs; k++) {
                baseMargins[k] = array.floatAt(k);
            }
        } else if (base != null) {
            Arrays.fill(baseMargins, ModelDocument.floatNumber(base, path + ".base_margin"));
        }
        for (float margin : baseMargins) {
            if (!Float.isFinite(margin)) {
                throw new ModelFormatException(path + ".base_margin is not finite");
            }
        }
        List<?> trees = list(required(document, "trees", path), path + ".trees");
        if (trees.size() > limits.maxTrees()) {
            throw new ModelFormatException(
                    path + " has " + trees.size() + " trees; the limit is " + limits.maxTrees());
        }
        for (int t = 0; t < trees.size(); t++) {
            new InlineTree(path + ".trees[" + t + "]").addTo(layout, trees.get(t), t % outputs);
        }
        return layout.build(objective, baseMargins);
    }

    /** One nested inline tree flattened into XGBoost-style parallel arrays, in preorder. */
    private static final class InlineTree {
        private final String path;
        private int count;
        private int[] left = new int[16];
        private int[] right = new int[16];
        private int[] feature = new int[16];
        private float[] threshold = new float[16];
        private byte[] missing = new byte[16];

        InlineTree(String path) {
            this.path = path;
        }

        void addTo(TreeLayout layout, Object root, int group) {
            flatten(root, path);
            layout.addTree(group, count, left, right, feature, threshold, missing, threshold, path);
        }

        private int flatten(Object value, String nodePath) {
            Map<String, Object> node = object(value, nodePath);
            int index = count++;
            if (index == left.length) {
                int capacity = index * 2;
                left = Arrays.copyOf(left, capacity);
                right = Arrays.copyOf(right, capacity);
                feature = Arrays.copyOf(feature, capacity);
                threshold = Arrays.copyOf(threshold, capacity);
                missing = Arrays.copyOf(missing, capacity);
            }
            if (node.containsKey("leaf")) {
                checkFields(node, nodePath, Set.of("leaf"));
                left[index] = -1;
                threshold[index] = ModelDocument.floatNumber(node.get("leaf"), nodePath + ".leaf");
                return index;
            }
            checkFields(node, nodePath, Set.of("feature", "threshold", "missing", "left", "right"));
            feature[index] = intNumber(required(node, "feature", nodePath), nodePath + ".feature");
            threshold[index] =
                    ModelDocument.floatNumber(
                            required(node, "threshold", nodePath), nodePath + ".threshold");
            missing[index] = missingRule(node, nodePath);
            int l = flatten(required(node, "left", nodePath), nodePath + ".left");
            int r = flatten(required(node, "right", nodePath), nodePath + ".right");
            left[index] = l;
            right[index] = r;
            return index;
        }

        private static byte missingRule(Map<String, Object> node, String nodePath) {
            if (!node.containsKey("missing")) {
                return TreeLayout.MISSING_NONE;
            }
            String rule = string(node, "missing", nodePath);
            switch (rule) {
                case "left":
                    return TreeLayout.MISSING_LEFT;
                case "right":
                    return TreeLayout.MISSING_RIGHT;
                default:
                    throw new ModelFormatException(
                            nodePath + ".missing must be 'left' or 'right', got '" + rule + "'");
            }
        }
    }

    private static <E extends Enum<E>> E enumValue(
            Class<E> type, Map<String, Object> object, String key, String path) {
        String text = string(object, key, path);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text)) {
                return constant;
            }
        }
        throw new ModelFormatException(
                path
                        + "."
                        + key
                        + " '"
                        + text
                        + "' is not one of "
                        + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

    private static void checkFields(Map<String, Object> object, String path, Set<String> allowed) {
        for (String key : object.keySet()) {
            if (!allowed.contains(key)) {
                throw new ModelFormatException("unknown field " + path + "." + key);
            }
        }
    }

    private static Set<String> union(Set<String> set, String... more) {
        return union(set, Set.of(more));
    }

    private static Set<String> union(Set<String> set, Set<String> more) {
        Set<String> all = new java.util.HashSet<>(set);
        all.addAll(more);
        return all;
    }
}
