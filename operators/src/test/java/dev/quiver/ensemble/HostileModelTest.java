package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Broken and hostile model files are refused with a {@link ModelFormatException} that names the
 * problem, quickly and without any other exception escaping (no index errors, no out-of-memory).
 */
class HostileModelTest {

    /** Far above what a refusal costs (milliseconds), far below what a runaway loop would take. */
    private static final Duration FAST = Duration.ofSeconds(5);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static byte[] json;
    private static byte[] ubj;

    @BeforeAll
    static void read() throws IOException {
        json = Oracles.bytes("xgb_bc_binary.json");
        ubj = Oracles.bytes("xgb_bc_binary.ubj");
    }

    private static void assertRefused(byte[] bytes, String message) {
        assertTimeoutPreemptively(
                FAST,
                () ->
                        assertThatThrownBy(() -> EnsembleModels.fromBytes(bytes))
                                .isInstanceOf(ModelFormatException.class)
                                .hasMessageContaining(message));
    }

    /** The breast-cancer model with tree 0 (19 nodes: 0 -> 1, 2; ...) edited. */
    private static byte[] editedJson(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) MAPPER.readTree(json);
        edit.accept(root);
        return MAPPER.writeValueAsBytes(root);
    }

    private static ObjectNode tree0(ObjectNode root) {
        return (ObjectNode) root.at("/learner/gradient_booster/model/trees/0");
    }

    @Test
    void truncatedJsonIsRefused() {
        for (int cut : new int[] {0, 1, 10, 1000, json.length / 2, json.length - 1}) {
            assertRefused(Arrays.copyOf(json, cut), cut == 0 ? "empty" : "the JSON document");
        }
    }

    /** About 500 cuts; a warm parse of this file takes about a millisecond, a cold one 15. */
    @Test
    void everyTruncationOfTheUbjsonFileIsRefused() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    for (int cut = 0; cut < ubj.length; cut += 211) {
                        byte[] truncated = Arrays.copyOf(ubj, cut);
                        assertThatThrownBy(() -> EnsembleModels.fromBytes(truncated))
                                .as("cut at %d", cut)
                                .isInstanceOf(ModelFormatException.class);
                    }
                });
    }

    @Test
    void corruptedBytesLoadOrAreRefusedButNeverEscapeOtherwise() {
        SplittableRandom random = new SplittableRandom(20261127L);
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    int refused = 0;
                    for (int i = 0; i < 400; i++) {
                        byte[] source = i % 2 == 0 ? ubj : json;
                        byte[] corrupt = source.clone();
                        for (int flips = 0; flips < 3; flips++) {
                            corrupt[random.nextInt(corrupt.length)] = (byte) random.nextInt(256);
                        }
                        try {
                            EnsembleModels.fromBytes(corrupt);
                        } catch (ModelFormatException e) {
                            refused++;
                        }
                    }
                    assertThat(refused).as("corrupt files refused").isGreaterThan(50);
                });
    }

    @Test
    void childIndicesThatPointBackAreRefused() throws IOException {
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("left_children")).set(1, 0)),
                "points back to node 0");
        assertRefused(
                editedJson(
                        root -> {
                            ArrayNode lefts = (ArrayNode) tree0(root).get("left_children");
                            ArrayNode rights = (ArrayNode) tree0(root).get("right_children");
                            rights.set(2, lefts.get(1).intValue());
                        }),
                "child indices must form a tree");
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("right_children")).set(0, 19)),
                "outside [0, 19)");
    }

    @Test
    void outOfRangeFeatureIndexIsRefused() throws IOException {
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("split_indices")).set(0, 30)),
                "splits on feature 30, outside [0, 30)");
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("split_indices")).set(0, -2)),
                "feature -2");
    }

    @Test
    void tenMillionClaimedNodesAreRefusedBeforeAnythingIsAllocated() throws IOException {
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) tree0(root).get("tree_param"))
                                        .put("num_nodes", "10000000")),
                "claims 10000000 nodes");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode)
                                                root.at(
                                                        "/learner/gradient_booster/model/gbtree_model_param"))
                                        .put("num_trees", "10000000")),
                "claims 10000000 trees");
        assertRefused(ubjArrayClaiming(10_000_000), "10000000 elements, more than the limit");
        assertRefused(ubjArrayClaiming(4_000_000), "claims 4000000 elements but only 8 bytes");
    }

    /** A UBJSON object whose one field is an array header claiming {@code count} float32 values. */
    private static byte[] ubjArrayClaiming(int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {'{', 'i', 1, 'a', '[', '$', 'd', '#', 'l'});
        bytes.writeBytes(ByteBuffer.allocate(4).putInt(count).array());
        bytes.writeBytes(new byte[8]);
        return bytes.toByteArray();
    }

    @Test
    void nestingBombsAreRefused() {
        byte[] deepJson = "[".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        assertRefused(deepJson, "the JSON document");
        byte[] deepUbj = new byte[100_002];
        deepUbj[0] = '{';
        deepUbj[1] = 'i';
        deepUbj[2] = 1;
        deepUbj[3] = 'a';
        Arrays.fill(deepUbj, 4, deepUbj.length, (byte) '[');
        assertRefused(deepUbj, "nesting deeper than 64");
    }

    @Test
    void limitsAreEnforced() {
        LoadLimits limits = LoadLimits.DEFAULTS;
        assertThatThrownBy(() -> EnsembleModels.fromXgboost(json, limits.withMaxDepth(3)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("deeper than the limit of 3");
        assertThatThrownBy(() -> EnsembleModels.fromXgboost(json, limits.withMaxBytes(1000)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("more than the limit of 1000");
        assertThatThrownBy(() -> EnsembleModels.fromXgboost(ubj, limits.withMaxNodes(500)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> EnsembleModels.fromXgboost(ubj, limits.withMaxTrees(99)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("100 trees");
    }

    @Test
    void unsupportedFeaturesAreRefusedByName() throws IOException {
        assertRefused(
                editedJson(
                        root -> {
                            ((ArrayNode) tree0(root).get("split_type")).set(0, 1);
                            ArrayNode names = MAPPER.createArrayNode();
                            for (int f = 0; f < 30; f++) {
                                names.add("f" + f + "_name");
                            }
                            ((ObjectNode) root.get("learner")).set("feature_names", names);
                        }),
                "categorical split on feature 20 ('f20_name')");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) root.at("/learner/gradient_booster"))
                                        .put("name", "dart")),
                "dart");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) root.at("/learner/gradient_booster"))
                                        .put("name", "gblinear")),
                "gblinear");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) root.at("/learner/objective"))
                                        .put("name", "reg:tweedie")),
                "objective 'reg:tweedie' is not supported");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) root.at("/learner/learner_model_param"))
                                        .put("num_target", "2")),
                "num_target = 2");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) tree0(root).get("tree_param"))
                                        .put("size_leaf_vector", "3")),
                "vector leaves");
    }

    @Test
    void malformedFieldsAreRefusedWithTheirPath() throws IOException {
        assertRefused(
                editedJson(
                        root -> ((ObjectNode) root.at("/learner")).remove("learner_model_param")),
                "missing field learner.learner_model_param");
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("split_conditions")).remove(3)),
                "split_conditions has 18 entries for 19 nodes");
        assertRefused(
                editedJson(
                        root ->
                                ((ObjectNode) root.at("/learner/learner_model_param"))
                                        .put("base_score", "abc")),
                "base_score 'abc'");
        assertRefused(
                editedJson(root -> ((ArrayNode) tree0(root).get("left_children")).set(0, 1.5)),
                "is not an int");
    }
}
