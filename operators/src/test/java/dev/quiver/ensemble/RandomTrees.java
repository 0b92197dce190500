package dev.quiver.ensemble;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random trees kept as plain nested nodes, written as Quiver's inline-tree JSON, and a naive
 * recursive walk over them: the independent reference for the flat scorer.
 */
final class RandomTrees {

    /** A node: a leaf when {@code left == null}. {@code missing}: 'l', 'r' or 0 for none. */
    record Node(int feature, float threshold, char missing, Node left, Node right, float leaf) {}

    final int features;
    final int classes;
    final String objective;
    final float[] baseMargins;
    final List<Node> trees = new ArrayList<>();

    RandomTrees(
            long seed,
            int treeCount,
            int maxDepth,
            int features,
            String objective,
            int classes,
            boolean missingRules) {
        SplittableRandom random = new SplittableRandom(seed);
        this.features = features;
        this.classes = classes;
        this.objective = objective;
        this.baseMargins = new float[Math.max(classes, 1)];
        for (int k = 0; k < baseMargins.length; k++) {
            baseMargins[k] = (float) random.nextDouble(-1, 1);
        }
        for (int t = 0; t < treeCount; t++) {
            trees.add(node(random, maxDepth, missingRules));
        }
    }

    private Node node(SplittableRandom random, int depthLeft, boolean missingRules) {
        if (depthLeft == 0 || random.nextDouble() < 0.2) {
            return new Node(0, 0, (char) 0, null, null, (float) random.nextDouble(-0.5, 0.5));
        }
        // Thresholds on a coarse grid, so that rows hit them exactly now and then.
        float threshold = (float) (random.nextInt(-8, 9) / 4.0);
        char missing = missingRules ? (random.nextBoolean() ? 'l' : 'r') : 0;
        return new Node(
                random.nextInt(features),
                threshold,
                missing,
                node(random, depthLeft - 1, missingRules),
                node(random, depthLeft - 1, missingRules),
                0);
    }

    /** Rows with values on the same grid as the thresholds, and NaN with probability nanShare. */
    static float[] rows(long seed, int count, int features, double nanShare) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] rows = new float[count * features];
        for (int i = 0; i < rows.length; i++) {
            rows[i] =
                    random.nextDouble() < nanShare
                            ? Float.NaN
                            : random.nextBoolean()
                                    ? (float) (random.nextInt(-10, 11) / 4.0)
                                    : (float) random.nextDouble(-3, 3);
        }
        return rows;
    }

    /** The margins of one row by a recursive walk and a float sum in tree order. */
    float[] margins(float[] rows, int row) {
        float[] sums = baseMargins.clone();
        for (int t = 0; t < trees.size(); t++) {
            sums[t % sums.length] += walk(trees.get(t), rows, row * features);
        }
        return sums;
    }

    private static float walk(Node node, float[] rows, int offset) {
        if (node.left() == null) {
            return node.leaf();
        }
        float x = rows[offset + node.feature()];
        boolean left = Float.isNaN(x) ? node.missing() == 'l' : x < node.threshold();
        return walk(left ? node.left() : node.right(), rows, offset);
    }

    /** The model as a quiver-ensemble document of type "trees". */
    byte[] json() {
        StringBuilder out = new StringBuilder();
        out.append("{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"trees\", ");
        out.append(body());
        out.append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The fields of an inline tree model, without braces. */
    String body() {
        StringBuilder out = new StringBuilder();
        out.append("\"objective\": \"").append(objective).append("\", ");
        out.append("\"features\": ").append(features).append(", ");
        if (classes > 0) {
            out.append("\"classes\": ").append(classes).append(", ");
        }
        out.append("\"base_margin\": [");
        for (int k = 0; k < baseMargins.length; k++) {
            out.append(k == 0 ? "" : ", ").append(baseMargins[k]);
        }
        out.append("], \"trees\": [");
        for (int t = 0; t < trees.size(); t++) {
            out.append(t == 0 ? "" : ", ");
            write(trees.get(t), out);
        }
        out.append(']');
        return out.toString();
    }

    private static void write(Node node, StringBuilder out) {
        if (node.left() == null) {
            out.append("{\"leaf\": ").append(node.leaf()).append('}');
            return;
        }
        out.append("{\"feature\": ").append(node.feature());
        out.append(", \"threshold\": ").append(node.threshold());
        if (node.missing() != 0) {
            out.append(", \"missing\": \"").append(node.missing() == 'l' ? "left" : "right");
            out.append('"');
        }
        out.append(", \"left\": ");
        write(node.left(), out);
        out.append(", \"right\": ");
        write(node.right(), out);
        out.append('}');
    }
}
