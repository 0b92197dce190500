// Margins of one row of a tree ensemble, as dev.quiver.ensemble.TreeEnsemble scores it.
//
// Layout (TreeLayout): per node its split feature, float32 threshold, left child (the right one
// is left + 1), default-left flag and leaf value; a leaf has threshold NaN and points to itself
// (left = self - 1), so walking every tree for exactly its depth lands on its leaf. Per tree its
// root node, depth and output group. Padded trees are the same arrays with left = 2i + 1.
//
// XGBoost's comparison, in float32: a row goes left when x < threshold, and a NaN feature to the
// side its node's default-left flag names. A NaN threshold (leaf or padding) sends every non-NaN
// row right, as does Java's order-key comparison. Margin k is base margin k plus the leaf values
// of the trees of group k, float32 additions in tree order: the CPU kernel's order, hence its bits.
#pragma once

#include "common.cuh"

namespace quiver {

struct TreeNodes {
    const int32_t* feature;
    const float* threshold;
    const int32_t* left;
    const uint8_t* default_left;
    const float* value;
};

struct TreeList {
    const int32_t* root;
    const int32_t* depth;
    const int32_t* group;
    int count;
};

// Whether a row whose feature is x goes right at a node: x >= threshold in float32, NaN by the
// node's default. Leaves (threshold NaN, default right) keep the row where it is.
QUIVER_HD bool tree_goes_right(float x, float threshold, uint8_t default_left) {
    return x != x ? default_left == 0 : !(x < threshold);
}

// The leaf node a row reaches in one tree.
QUIVER_HD int tree_leaf(const float* row, const TreeNodes& nodes, int root, int depth) {
    int n = root;
    for (int level = 0; level < depth; level++) {
        float x = row[nodes.feature[n]];
        n = nodes.left[n] + (tree_goes_right(x, nodes.threshold[n], nodes.default_left[n]) ? 1 : 0);
    }
    return n;
}

// margins[0 .. margin_count) of one row: base margins, then every tree's leaf value added to its
// group's margin, trees in order.
QUIVER_HD void tree_margins(const float* row, const TreeNodes& nodes, const TreeList& trees,
                            const float* base_margins, int margin_count, float* margins) {
    for (int k = 0; k < margin_count; k++) {
        margins[k] = base_margins[k];
    }
    for (int t = 0; t < trees.count; t++) {
        int leaf = tree_leaf(row, nodes, trees.root[t], trees.depth[t]);
        margins[trees.group[t]] += nodes.value[leaf];
    }
}

}  // namespace quiver
