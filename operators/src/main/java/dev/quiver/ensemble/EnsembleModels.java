package dev.quiver.ensemble;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and composes {@link EnsembleModel}s: XGBoost models (JSON or UBJSON, told apart by their
 * bytes), Quiver's composition documents ({@code "format": "quiver-ensemble"}, see the package
 * overview), and bagging or stacking built in code.
 *
 * <p>Every reader checks its input against {@link LoadLimits} ({@link LoadLimits#DEFAULTS} unless
 * given) and refuses a bad or unsupported file with a {@link ModelFormatException} naming the
 * problem. Files named by a composition are resolved against the composition's directory and must
 * be regular files whose real paths, links followed, lie inside it; a member that leaves it, or a
 * FIFO, device or directory, is refused by name ("member 'link.json' resolves outside the
 * composition folder").
 *
 * <pre>{@code
 * TreeEnsemble a = EnsembleModels.fromXgboost(Files.readAllBytes(Path.of("a.json")));
 * TreeEnsemble b = EnsembleModels.fromXgboost(Files.readAllBytes(Path.of("b.ubj")));
 * EnsembleModel mean = EnsembleModels.bagging(List.of(a, b), EnsembleModels.Combine.MEAN);
 * EnsembleModel stacked =
 *         EnsembleModels.stacking(
 *                 List.of(a, b),
 *                 EnsembleModels.BaseOutput.PROBABILITY,
 *                 false,
 *                 EnsembleModels.MetaLearner.LOGISTIC,
 *                 -1.0,
 *                 new double[] {1.5, 0.5});
 * EnsembleModel fromFile = EnsembleModels.load(Path.of("models/churn-stack.json"));
 * // the same composition with its member files embedded: loads without a file system
 * byte[] update = EnsembleModels.selfContained(Path.of("models/churn-stack.json"), LoadLimits.DEFAULTS);
 * EnsembleModel fromUpdate = EnsembleModels.fromBytes(update);
 * }</pre>
 */
public final class EnsembleModels {

    /** The {@code format} value of Quiver's composition documents. */
    public static final String COMPOSITION_FORMAT = "quiver-ensemble";

    /** The {@code format} of an XGBoost JSON model. */
    public static final String XGBOOST_JSON_FORMAT = "xgboost-json";

    /** The {@code format} of an XGBoost UBJSON model. */
    public static final String XGBOOST_UBJ_FORMAT = "xgboost-ubj";

    /** Every model format {@link #fromBytes} reads, as a model update names them. */
    public static final Set<String> FORMATS =
            Set.of(XGBOOST_JSON_FORMAT, XGBOOST_UBJ_FORMAT, COMPOSITION_FORMAT);

    /** The only composition document version so far. */
    public static final int COMPOSITION_VERSION = 1;

    /** How bagging combines its members. */
    public enum Combine {
        /** The mean of the members' margins, probabilities and predictions. */
        MEAN,
        /** Majority vote of classifiers. */
        VOTE
    }

    /** Which outputs of stacking's base models feed the meta-learner. */
    public enum BaseOutput {
        /** Predictions of regressors, probabilities of classifiers (class 1 only for binary). */
        PROBABILITY,
        /** Every base model's margins. */
        MARGIN
    }

    /** The meta-learner of stacking. */
    public enum MetaLearner {
        /** {@code z = intercept + w . x}, predicted as it is. */
        LINEAR,
        /** {@code p = 1 / (1 + e^-z)}: a binary classifier. */
        LOGISTIC
    }

    /** Reads a file that a composition names; {@code name} is as written in the composition. */
    @FunctionalInterface
    public interface MemberFiles {
        /** The bytes of the member file {@code name}. */
        byte[] read(String name) throws IOException;
    }

    private EnsembleModels() {}

    /** Loads an XGBoost model or a composition from a file, with the default limits. */
    public static EnsembleModel load(Path file) throws IOException {
        return load(file, LoadLimits.DEFAULTS);
    }

    /**
     * Loads an XGBoost model or a composition from a regular file; a composition's member files
     * are read relative to its directory and must be regular files whose real paths, links
     * followed, lie inside it.
     */
    public static EnsembleModel load(Path file, LoadLimits limits) throws IOException {
        return fromBytes(
                ModelFiles.readModel(file, limits), ModelFiles.beside(file, limits), limits);
    }

    /**
     * The bytes of a model file that loads on its own, with {@link #fromBytes(byte[])}: an XGBoost
     * model or a composition as it is, or, for a composition naming member files, the composition
     * with those files (read as {@link #load} reads them) embedded in its {@code "files"} field.
     * The model is loaded once to check it; the result is within {@code limits} as a whole.
     *
     * @throws ModelFormatException if the model does not load (a member file missing included)
     */
    public static byte[] selfContained(Path file, LoadLimits limits) throws IOException {
        byte[] bytes = ModelFiles.readModel(file, limits);
        MemberFiles beside = ModelFiles.beside(file, limits);
        Map<String, byte[]> read = new LinkedHashMap<>();
        fromBytes(
                bytes,
                name -> {
                    byte[] member = beside.read(name);
                    read.put(name, member);
                    return member;
                },
                limits);
        if (read.isEmpty()) {
            return bytes;
        }
        byte[] embedded = EmbeddedFiles.embed(bytes, read);
        limits.checkSize(embedded.length, "the composition with its member files embedded");
        return embedded;
    }

    /** An XGBoost model or a composition with inline members only, with the default limits. */
    public static EnsembleModel fromBytes(byte[] bytes) {
        return fromBytes(bytes, null, LoadLimits.DEFAULTS);
    }

    /**
     * An XGBoost model (JSON or UBJSON) or a composition document, whose member files, if any, are
     * read through {@code files} (which may be null when there are none).
     */
    public static EnsembleModel fromBytes(byte[] bytes, MemberFiles files, LoadLimits limits) {
        Object document = parse(bytes, limits);
        Map<String, Object> root = ModelDocument.object(document, "$");
        if (root.containsKey("learner")) {
            return XgboostModelReader.read(root, limits);
        }
        Object format = root.get("format");
        if (!COMPOSITION_FORMAT.equals(format)) {
            throw new ModelFormatException(
                    "neither an XGBoost model (no 'learner') nor a composition (format '"
                            + COMPOSITION_FORMAT
                            + "')");
        }
        return new CompositionReader(files, limits).read(root);
    }

    /** An XGBoost {@code gbtree} model from its JSON or UBJSON bytes, with the default limits. */
    public static TreeEnsemble fromXgboost(byte[] bytes) {
        return fromXgboost(bytes, LoadLimits.DEFAULTS);
    }

    /** An XGBoost {@code gbtree} model from its JSON or UBJSON bytes. */
    public static TreeEnsemble fromXgboost(byte[] bytes, LoadLimits limits) {
        return XgboostModelReader.read(parse(bytes, limits), limits);
    }

    /** Bagging of {@code members}, which must take the same features and have the same outputs. */
    public static EnsembleModel bagging(List<? extends EnsembleModel> members, Combine combine) {
        return new BaggingEnsemble(members, combine);
    }

    /**
     * Stacking: {@code base} models, then a meta-learner with {@code weights} over their outputs
     * (and the raw features after them when {@code passthrough}); see {@link BaseOutput} for the
     * columns each base model contributes.
     */
    public static EnsembleModel stacking(
            List<? extends EnsembleModel> base,
            BaseOutput baseOutput,
            boolean passthrough,
            MetaLearner meta,
            double intercept,
            double[] weights) {
        return new StackingEnsemble(
                base, baseOutput, passthrough, new StackingEnsemble.Meta(meta, intercept, weights));
    }

    /**
     * The format name of model bytes, as a model update records it: {@value #XGBOOST_UBJ_FORMAT}
     * for UBJSON; for JSON, {@value #COMPOSITION_FORMAT} when the document's top-level {@code
     * "format"} names it and it has no top-level {@code "learner"} (an XGBoost model's), wherever
     * these fields are (a composition with its member files embedded has them after the files),
     * else {@value #XGBOOST_JSON_FORMAT}. The rule is {@link #fromBytes}'s own; the name is only a
     * label, and {@link #fromBytes} tells the formats apart itself.
     */
    public static String formatOf(byte[] bytes) {
        if (isUbjson(bytes)) {
            return XGBOOST_UBJ_FORMAT;
        }
        Map<String, String> fields =
                new JsonDocumentReader(LoadLimits.DEFAULTS).topLevelFields(bytes);
        return !fields.containsKey("learner") && COMPOSITION_FORMAT.equals(fields.get("format"))
                ? COMPOSITION_FORMAT
                : XGBOOST_JSON_FORMAT;
    }

    /**
     * Whether {@code bytes} look like UBJSON rather than JSON: an object whose first key is
     * UBJSON-sized.
     */
    static boolean isUbjson(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == '{' && "iUIlL$#N".indexOf(bytes[1]) >= 0;
    }

    private static Object parse(byte[] bytes, LoadLimits limits) {
        return isUbjson(bytes)
                ? UbjsonReader.read(bytes, limits)
                : new JsonDocumentReader(limits).read(bytes);
    }
}
