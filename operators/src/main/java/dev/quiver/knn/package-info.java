/**
 * Nearest-neighbour search over streams of identified vectors: an incremental kd-tree kernel, the
 * point-set adaptor its search paths read through, and the caller-owned result buffer.
 *
 * <p>The kernels here are pure Java: they import no Flink, Kafka or Avro. Every metric is searched
 * as a squared Euclidean distance (cosine on unit vectors), and ties in distance are broken by id,
 * so results are exact and reproducible.
 *
 * <p>The algorithms come from:
 *
 * <ul>
 *   <li>J. L. Bentley, "Multidimensional binary search trees used for associative searching",
 *       <i>Communications of the ACM</i> 18(9), 1975: the kd-tree.
 *   <li>J. H. Friedman, J. L. Bentley and R. A. Finkel, "An algorithm for finding best matches in
 *       logarithmic expected time", <i>ACM Transactions on Mathematical Software</i> 3(3), 1977:
 *       median cuts on the axis of widest spread, buckets at the leaves, and pruning by the
 *       distance to a cell.
 *   <li>S. Arya and D. M. Mount, "Algorithms for fast vector quantization", <i>Data Compression
 *       Conference</i>, 1993: the incremental per-axis distance to a cell.
 *   <li>J. S. Beis and D. G. Lowe, "Shape indexing using approximate nearest-neighbour search in
 *       high-dimensional spaces", <i>CVPR</i>, 1997: best-bin-first search with a budget of points
 *       examined.
 *   <li>D. G. Lowe, "Distinctive image features from scale-invariant keypoints", <i>International
 *       Journal of Computer Vision</i> 60(2), 2004: the ratio test on the two nearest distances.
 *   <li>Y. Cai, W. Xu and F. Zhang, "ikd-Tree: An incremental k-d tree for robotic applications",
 *       arXiv:2102.10808, 2021: incremental inserts, lazy deletes, box deletes, and partial
 *       rebuilds on alpha-balance and deleted-fraction criteria.
 *   <li>I. Galperin and R. L. Rivest, "Scapegoat trees", <i>SODA</i>, 1993: keeping a tree balanced
 *       by rebuilding the highest alpha-unbalanced subtree on an update path.
 * </ul>
 *
 * <p>Entry points: {@link dev.quiver.knn.KdTreeIndex} (the index), {@link dev.quiver.knn.PointSet}
 * (read access to indexed points), {@link dev.quiver.knn.NeighborBuffer} (results) and {@link
 * dev.quiver.knn.KnnMetric} (the distance reported).
 */
package dev.quiver.knn;
