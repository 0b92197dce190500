package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Model files that {@code quiver run score --model} must refuse, in every format it reads: XGBoost
 * JSON and UBJSON (XGBoost 1.7.4's breast-cancer model, edited), Quiver's composition document with
 * inline trees, and bagging and stacking compositions whose members are files beside them. Each
 * names a fragment of the one line the CLI must print.
 *
 * <pre>{@code
 * for (HostileModel model : HostileModels.ALL) {
 *     Path file = model.write(dir);
 * }
 * }</pre>
 */
final class HostileModels {

    /** Writes a case's files into its folder and returns the path given to --model. */
    @FunctionalInterface
    interface ModelWriter {
        Path write(Path folder) throws IOException;
    }

    /**
     * A hostile model file.
     *
     * @param name what is wrong with it
     * @param cause a fragment of the reason the CLI must give
     * @param writer writes it
     */
    record HostileModel(String name, String cause, ModelWriter writer) {
        /** Writes the case into a folder of its own under {@code dir}; returns the --model path. */
        Path write(Path dir) throws IOException {
            Path folder = dir.resolve(name.replaceAll("[^A-Za-z0-9]+", "-"));
            Files.createDirectories(folder.resolve("model"));
            return writer.write(folder);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String TREE_0 = "/learner/gradient_booster/model/trees/0";

    /** Every hostile model, each refused. */
    static final List<HostileModel> ALL =
            List.of(
                    file(
                            "xgboost-json truncated",
                            "the JSON document is malformed or truncated",
                            () -> Arrays.copyOf(json(), json().length / 2)),
                    file("xgboost-json empty", "the JSON document is empty", () -> new byte[0]),
                    file(
                            "xgboost-json nesting bomb",
                            "the JSON document exceeds a limit: Document nesting depth",
                            () -> nesting("[")),
                    file(
                            "xgboost-json not a model",
                            "neither an XGBoost model",
                            () -> "{\"hello\": 1}".getBytes(UTF_8)),
                    file(
                            "xgboost-json claims 10^7 trees",
                            "the model claims 10000000 trees; the limit is 100000",
                            () ->
                                    withField(
                                            "/learner/gradient_booster/model/gbtree_model_param",
                                            "num_trees",
                                            "10000000")),
                    file(
                            "xgboost-json claims 10^7 nodes",
                            "trees[0] claims 10000000 nodes; the limit is 4194304",
                            () -> withField(TREE_0 + "/tree_param", "num_nodes", "10000000")),
                    file(
                            "xgboost-json cyclic tree",
                            "trees[0] node 1 points back to node 0",
                            () -> withTree0Element("left_children", 1, number("0"))),
                    file(
                            "xgboost-json feature out of range",
                            "trees[0] node 0 splits on feature 30, outside [0, 30)",
                            () -> withTree0Element("split_indices", 0, number("30"))),
                    file(
                            "xgboost-json NaN threshold",
                            "trees[0] node 0 has a NaN threshold",
                            () -> withTree0Element("split_conditions", 0, number("NaN"))),
                    ubjFile(
                            "xgboost-ubj truncated",
                            "the UBJSON document is truncated",
                            () -> Arrays.copyOf(ubj(), ubj().length / 2)),
                    ubjFile(
                            "xgboost-ubj nesting bomb",
                            "nesting deeper than 64 at $.a[0]",
                            HostileModels::ubjNesting),
                    ubjFile(
                            "xgboost-ubj claims 10^7 elements",
                            "trees[0].base_weights has 10000000 elements, more than the limit",
                            () -> ubjWithFirstArrayClaiming(10_000_000)),
                    ubjFile(
                            "xgboost-ubj claims more than it holds",
                            "trees[0].base_weights claims 4000000 elements but only",
                            () -> ubjWithFirstArrayClaiming(4_000_000)),
                    ubjFile(
                            "xgboost-ubj negative count",
                            "negative count -5 at $.learner.gradient_booster.model.trees[0]",
                            () -> ubjWithFirstArrayClaiming(-5)),
                    file(
                            "trees nesting bomb",
                            "the JSON document exceeds a limit: Document nesting depth",
                            () -> trees("3", chainOfSplits(70))),
                    file(
                            "trees feature out of range",
                            "$.trees[0] node 0 splits on feature 5, outside [0, 3)",
                            () -> trees("3", split("5", "0.5"))),
                    file(
                            "trees NaN threshold",
                            "$.trees[0] node 0 has a NaN threshold",
                            () -> trees("3", split("0", "NaN"))),
                    file(
                            "trees claim 2*10^9 features",
                            "feature count must be in [1, 1000000], got 2000000000",
                            () -> trees("2000000000", split("0", "0.5"))),
                    file(
                            "unknown composition type",
                            "unknown composition type 'boosting'",
                            () -> composition(1, "\"type\": \"boosting\"")),
                    file(
                            "unknown composition version",
                            "quiver-ensemble version 2 is not supported",
                            () -> composition(2, "\"type\": \"trees\"")),
                    file(
                            "bagging of 1001 members",
                            "$.members has 1001 members; the limit is 1000",
                            () ->
                                    bagging(
                                            String.join(
                                                    ", ",
                                                    Collections.nCopies(1001, inlineMember())))),
                    file(
                            "embedded member not base64",
                            "$.files['m.json'] is not base64",
                            () ->
                                    composition(
                                            1,
                                            "\"type\": \"bagging\", \"combine\": \"mean\","
                                                    + " \"files\": {\"m.json\": \"***\"},"
                                                    + " \"members\": [{\"xgboost\": \"m.json\"}]")),
                    folder(
                            "bagging member outside the folder",
                            "member '../outside.json' resolves outside the composition folder",
                            folder -> {
                                outsideModel(folder);
                                return composition(folder, bagging(fileMember("../outside.json")));
                            }),
                    folder(
                            "bagging member by absolute path",
                            "is an absolute path; members are relative to the composition folder",
                            folder ->
                                    composition(
                                            folder,
                                            bagging(fileMember(outsideModel(folder).toString())))),
                    folder(
                            "bagging member linked outside the folder",
                            "member 'link.json' resolves outside the composition folder",
                            folder -> {
                                Path link = folder.resolve("model/link.json");
                                Files.createSymbolicLink(link, outsideModel(folder));
                                return composition(folder, bagging(fileMember("link.json")));
                            }),
                    folder(
                            "bagging member missing",
                            "cannot read member file 'gone.json'",
                            folder -> composition(folder, bagging(fileMember("gone.json")))),
                    folder(
                            "bagging member truncated",
                            "the JSON document is malformed or truncated",
                            folder -> {
                                member(folder, "m.json", Arrays.copyOf(json(), 5000));
                                return composition(folder, bagging(fileMember("m.json")));
                            }),
                    folder(
                            "bagging member is a composition",
                            "missing field $.learner",
                            folder -> {
                                member(folder, "inner.json", trees("3", split("0", "0.5")));
                                return composition(folder, bagging(fileMember("inner.json")));
                            }),
                    folder(
                            "bagging members disagree on features",
                            "bagging member 1 takes 3 features",
                            folder -> {
                                member(folder, "m.json", json());
                                return composition(
                                        folder,
                                        bagging(fileMember("m.json") + ", " + inlineMember()));
                            }),
                    folder(
                            "stacking base models disagree on features",
                            "stacking base model 1 takes 3 features",
                            folder -> {
                                member(folder, "m.json", json());
                                return composition(
                                        folder,
                                        stacking(
                                                fileMember("m.json") + ", " + inlineMember(),
                                                "[1, 2]"));
                            }),
                    folder(
                            "stacking weights for other inputs",
                            "the meta-learner has 3 weights for 2 inputs",
                            folder -> {
                                member(folder, "m.json", json());
                                return composition(
                                        folder,
                                        stacking(
                                                fileMember("m.json") + ", " + fileMember("m.json"),
                                                "[1, 2, 3]"));
                            }));

    private HostileModels() {}

    /** Bytes of a hostile file. */
    @FunctionalInterface
    private interface Bytes {
        byte[] get() throws IOException;
    }

    /** A case that is one JSON file. */
    private static HostileModel file(String name, String cause, Bytes bytes) {
        return new HostileModel(
                name, cause, folder -> Files.write(folder.resolve("m.json"), bytes.get()));
    }

    /** A case that is one UBJSON file. */
    private static HostileModel ubjFile(String name, String cause, Bytes bytes) {
        return new HostileModel(
                name, cause, folder -> Files.write(folder.resolve("m.ubj"), bytes.get()));
    }

    /** A case of several files: a composition in {@code model/}, maybe something beside it. */
    private static HostileModel folder(String name, String cause, ModelWriter writer) {
        return new HostileModel(name, cause, writer);
    }

    private static byte[] json() throws IOException {
        return Files.readAllBytes(Checkout.oracle("xgb_bc_binary.json"));
    }

    private static byte[] ubj() throws IOException {
        return Files.readAllBytes(Checkout.oracle("xgb_bc_binary.ubj"));
    }

    /** The breast-cancer model with the object at {@code pointer} given {@code field}. */
    private static byte[] withField(String pointer, String field, String value) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(json());
        ((ObjectNode) root.at(pointer)).put(field, value);
        return MAPPER.writeValueAsBytes(root);
    }

    /**
     * The breast-cancer model with element {@code index} of an array of tree 0 (19 nodes: node 0
     * splits into 1 and 2) replaced.
     */
    private static byte[] withTree0Element(String array, int index, JsonNode value)
            throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(json());
        ((ArrayNode) root.at(TREE_0 + "/" + array)).set(index, value);
        return MAPPER.writeValueAsBytes(root);
    }

    /** A number written as is, {@code NaN} included. */
    private static JsonNode number(String text) {
        return JsonNodeFactory.instance.rawValueNode(new RawValue(text));
    }

    private static byte[] nesting(String open) {
        return open.repeat(NdjsonHostility.NESTING).getBytes(UTF_8);
    }

    /** A UBJSON object whose one field opens arrays 100,000 deep. */
    private static byte[] ubjNesting() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {'{', 'i', 1, 'a'});
        bytes.writeBytes(nesting("["));
        return bytes.toByteArray();
    }

    /**
     * The breast-cancer model in UBJSON with the count of its first typed array (tree 0's 19 {@code
     * base_weights}, {@code [$d#L} and a big-endian int64) replaced by {@code count}.
     */
    private static byte[] ubjWithFirstArrayClaiming(long count) throws IOException {
        byte[] bytes = ubj();
        byte[] header = {'[', '$', 'd', '#', 'L'};
        for (int i = 0; i + header.length + Long.BYTES <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + header.length, header, 0, header.length)) {
                ByteBuffer.wrap(bytes, i + header.length, Long.BYTES).putLong(count);
                return bytes;
            }
        }
        throw new IllegalStateException("no typed float32 array in the UBJSON model");
    }

    /** An inline split node on {@code feature} at {@code threshold} (raw JSON), two leaves. */
    private static String split(String feature, String threshold) {
        return "{\"feature\": "
                + feature
                + ", \"threshold\": "
                + threshold
                + ", \"missing\": \"left\", \"left\": {\"leaf\": 0.5}, \"right\": {\"leaf\":"
                + " -0.5}}";
    }

    /** {@code depth} splits, each the left child of the one before. */
    private static String chainOfSplits(int depth) {
        String tree = "{\"leaf\": 1}";
        for (int d = 0; d < depth; d++) {
            tree =
                    "{\"feature\": 0, \"threshold\": 0.5, \"missing\": \"left\", \"left\": "
                            + tree
                            + ", \"right\": {\"leaf\": 0}}";
        }
        return tree;
    }

    /** The fields of an inline tree model over {@code features} features with one tree. */
    private static String treeFields(String features, String tree) {
        return "\"objective\": \"binary:logistic\", \"features\": "
                + features
                + ", \"trees\": ["
                + tree
                + "]";
    }

    /** A composition document that is an inline tree model. */
    private static byte[] trees(String features, String tree) {
        return composition(1, "\"type\": \"trees\", " + treeFields(features, tree));
    }

    /** A bagging or stacking member: an inline tree model of three features. */
    private static String inlineMember() {
        return "{\"trees\": {" + treeFields("3", split("0", "0.5")) + "}}";
    }

    /** A bagging or stacking member read from the file {@code name}. */
    private static String fileMember(String name) throws IOException {
        return "{\"xgboost\": " + MAPPER.writeValueAsString(name) + "}";
    }

    private static byte[] bagging(String members) {
        return composition(
                1, "\"type\": \"bagging\", \"combine\": \"mean\", \"members\": [" + members + "]");
    }

    /** Logistic stacking of the probabilities of {@code base} with {@code weights}. */
    private static byte[] stacking(String base, String weights) {
        return composition(
                1,
                "\"type\": \"stacking\", \"base\": ["
                        + base
                        + "], \"base_output\": \"probability\", \"meta\": {\"model\":"
                        + " \"logistic\", \"intercept\": 0, \"weights\": "
                        + weights
                        + "}");
    }

    private static byte[] composition(int version, String fields) {
        return ("{\"format\": \"quiver-ensemble\", \"version\": " + version + ", " + fields + "}")
                .getBytes(UTF_8);
    }

    /** Writes {@code composition} as {@code model/composition.json} of the case's folder. */
    private static Path composition(Path folder, byte[] composition) throws IOException {
        return Files.write(folder.resolve("model/composition.json"), composition);
    }

    /** Writes {@code bytes} as the member file {@code model/NAME}. */
    private static void member(Path folder, String name, byte[] bytes) throws IOException {
        Files.write(folder.resolve("model").resolve(name), bytes);
    }

    /** The breast-cancer model beside the case's model folder, not in it; returns its path. */
    private static Path outsideModel(Path folder) throws IOException {
        return Files.write(folder.resolve("outside.json"), json()).toAbsolutePath();
    }
}
