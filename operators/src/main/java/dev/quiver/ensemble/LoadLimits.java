package dev.quiver.ensemble;

/**
 * Bounds on what a model file may ask for, checked while it is read, so that a hostile or broken
 * file is refused with a {@link ModelFormatException} before it can exhaust memory or time.
 *
 * <p>Every bound is checked against what the file <i>claims</i> before anything that size is
 * allocated: a UBJSON array header claiming 10^7 elements in a 100-byte file, or a tree claiming
 * 10^7 nodes, is refused at once. Reading is linear in the file size, and the parsed document costs
 * at most a small constant times {@link #maxBytes()} plus 12 bytes per number in numeric arrays.
 *
 * <table>
 *   <caption>Bounds and defaults</caption>
 *   <tr><th>bound</th><th>default</th><th>what it limits</th></tr>
 *   <tr><td>maxBytes</td><td>256 MiB</td><td>the file (and each member file) in bytes</td></tr>
 *   <tr><td>maxNesting</td><td>64</td><td>object and array nesting in the document</td></tr>
 *   <tr><td>maxTrees</td><td>100,000</td><td>trees in one model</td></tr>
 *   <tr><td>maxNodes</td><td>4,194,304</td><td>nodes over all trees of one model (and the
 *       length of any one numeric array)</td></tr>
 *   <tr><td>maxDepth</td><td>64</td><td>depth of any tree (a leaf root has depth 0)</td></tr>
 *   <tr><td>maxFeatures</td><td>1,000,000</td><td>features per row</td></tr>
 *   <tr><td>maxClasses</td><td>10,000</td><td>classes (outputs) of one model</td></tr>
 *   <tr><td>maxMembers</td><td>1,000</td><td>members of a bagging or stacking composition</td></tr>
 * </table>
 *
 * <pre>{@code
 * LoadLimits strict = LoadLimits.DEFAULTS.withMaxBytes(1 << 20).withMaxTrees(500);
 * EnsembleModel model = EnsembleModels.fromXgboost(bytes, strict);
 * }</pre>
 *
 * @param maxBytes most bytes in one file
 * @param maxNesting deepest nesting of objects and arrays
 * @param maxTrees most trees in one model
 * @param maxNodes most nodes over all trees of one model
 * @param maxDepth deepest tree
 * @param maxFeatures most features per row
 * @param maxClasses most classes or outputs
 * @param maxMembers most members in a composition
 */
public record LoadLimits(
        long maxBytes,
        int maxNesting,
        int maxTrees,
        int maxNodes,
        int maxDepth,
        int maxFeatures,
        int maxClasses,
        int maxMembers) {

    /** The defaults in the table above. */
    public static final LoadLimits DEFAULTS =
            new LoadLimits(256L << 20, 64, 100_000, 1 << 22, 64, 1_000_000, 10_000, 1_000);

    /** Checks that every bound is positive. */
    public LoadLimits {
        positive("maxBytes", maxBytes);
        positive("maxNesting", maxNesting);
        positive("maxTrees", maxTrees);
        positive("maxNodes", maxNodes);
        positive("maxDepth", maxDepth);
        positive("maxFeatures", maxFeatures);
        positive("maxClasses", maxClasses);
        positive("maxMembers", maxMembers);
    }

    /** These limits with another {@code maxBytes}. */
    public LoadLimits withMaxBytes(long bytes) {
        return new LoadLimits(
                bytes,
                maxNesting,
                maxTrees,
                maxNodes,
                maxDepth,
                maxFeatures,
                maxClasses,
                maxMembers);
    }

    /** These limits with another {@code maxTrees}. */
    public LoadLimits withMaxTrees(int trees) {
        return new LoadLimits(
                maxBytes,
                maxNesting,
                trees,
                maxNodes,
                maxDepth,
                maxFeatures,
                maxClasses,
                maxMembers);
    }

    /** These limits with another {@code maxNodes}. */
    public LoadLimits withMaxNodes(int nodes) {
        return new LoadLimits(
                maxBytes,
                maxNesting,
                maxTrees,
                nodes,
                maxDepth,
                maxFeatures,
                maxClasses,
                maxMembers);
    }

    /** These limits with another {@code maxDepth}. */
    public LoadLimits withMaxDepth(int depth) {
        return new LoadLimits(
                maxBytes,
                maxNesting,
                maxTrees,
                maxNodes,
                depth,
                maxFeatures,
                maxClasses,
                maxMembers);
    }

    /** Refuses a file longer than {@link #maxBytes()}. */
    void checkSize(long bytes, String what) {
        if (bytes > maxBytes) {
            throw new ModelFormatException(
                    what + " has " + bytes + " bytes, more than the limit of " + maxBytes);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
