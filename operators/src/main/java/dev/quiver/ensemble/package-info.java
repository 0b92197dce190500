/**
 * Ensemble scoring: gradient-boosted trees read from XGBoost's JSON and UBJSON model files, scored
 * batch-first over a flat struct-of-arrays layout exactly as XGBoost scores them, and composed by
 * bagging (mean or majority vote) and stacking (a linear or logistic meta-learner over base models'
 * outputs).
 *
 * <p>The kernels here are pure Java: they import no Flink, Kafka or Avro. Entry points: {@link
 * dev.quiver.ensemble.EnsembleModels} (reading and composing), {@link
 * dev.quiver.ensemble.EnsembleModel} (scoring), {@link dev.quiver.ensemble.TreeEnsemble} (boosted
 * trees), {@link dev.quiver.ensemble.ScoreBuffer} (outputs), {@link dev.quiver.ensemble.Objective},
 * {@link dev.quiver.ensemble.LoadLimits} and {@link dev.quiver.ensemble.ModelFormatException}.
 *
 * <h2>Composition documents</h2>
 *
 * A JSON object with {@code "format": "quiver-ensemble"}, {@code "version": 1} and a {@code type}:
 *
 * <pre>{@code
 * {"format": "quiver-ensemble", "version": 1, "type": "stacking",
 *  "base": [
 *    {"xgboost": "churn-a.json"},
 *    {"xgboost": "churn-b.ubj"},
 *    {"trees": {"objective": "binary:logistic", "features": 3, "base_margin": 0,
 *               "trees": [{"feature": 0, "threshold": 0.5, "missing": "left",
 *                          "left": {"leaf": -0.4}, "right": {"leaf": 0.3}}]}}
 *  ],
 *  "base_output": "probability",
 *  "passthrough": false,
 *  "meta": {"model": "logistic", "intercept": -1.2, "weights": [2.0, 1.5, 0.7]}}
 * }</pre>
 *
 * <ul>
 *   <li>{@code "type": "bagging"}: {@code "combine"} ({@code "mean"} or {@code "vote"}) and {@code
 *       "members"}.
 *   <li>{@code "type": "stacking"}: {@code "base"} models, {@code "base_output"} ({@code
 *       "probability"} or {@code "margin"}), {@code "passthrough"} (default false) and {@code
 *       "meta"} ({@code "model"}: {@code "linear"} or {@code "logistic"}, {@code "intercept"},
 *       {@code "weights"}, one per meta input in order).
 *   <li>{@code "type": "trees"}: an inline tree model as below, at the top level.
 * </ul>
 *
 * A member is {@code {"xgboost": "path"}}, an XGBoost JSON or UBJSON file relative to the
 * composition's directory (a regular file whose real path, links followed, lies inside it), or,
 * where the bagging or stacking document has a {@code "files"} field
 * ({@code {"path": "base64 of the file", ...}}, as {@code EnsembleModels.selfContained} writes for
 * model updates and the score job), that field's entry of the same name only; a composition read
 * from bytes alone without it must use inline members. Otherwise a member is {@code {"trees":
 * {...}}}, an inline tree model: {@code objective} (an XGBoost objective name, default {@code
 * reg:squarederror}), {@code features}, {@code classes} (multi-class objectives only; tree {@code
 * i} belongs to class {@code i % classes}), {@code base_margin} (a number, or one per class; added
 * to the leaves as it is, no ProbToMargin) and {@code trees}, each node either {@code {"leaf":
 * value}} or {@code {"feature": f, "threshold": t, "missing": "left"|"right", "left": node,
 * "right": node}} (rows with {@code x[f] < t} go left). A model in which some split has no {@code
 * missing} rule refuses rows holding NaN. Unknown fields are errors.
 *
 * <p>The algorithms and formats come from:
 *
 * <ul>
 *   <li>T. Chen and C. Guestrin, "XGBoost: A scalable tree boosting system", <i>KDD</i>, 2016:
 *       additive trees with learned default directions for missing values.
 *   <li>N. Asadi, J. Lin and A. P. de Vries, "Runtime optimizations for tree-based machine learning
 *       models", <i>IEEE TKDE</i> 26(9), 2014: predicated (branch-free) tree walks over a flat
 *       layout, interleaved across a block of instances.
 *   <li>C. Lucchese, F. M. Nardini, S. Orlando, R. Perego, N. Tonellotto and R. Venturini,
 *       "QuickScorer: a fast algorithm to rank documents with additive ensembles of regression
 *       trees", <i>SIGIR</i>, 2015: each feature's thresholds over all trees compared once, in
 *       sorted order, their outcomes combined as bit masks ({@code SplitMasks} keeps the idea
 *       with masks over the rows of a block rather than over the leaves of a tree).
 *   <li>L. Breiman, "Bagging predictors", <i>Machine Learning</i> 24(2), 1996.
 *   <li>D. H. Wolpert, "Stacked generalization", <i>Neural Networks</i> 5(2), 1992.
 *   <li>The UBJSON specification, draft 12 (ubjson.org), and XGBoost's model I/O documentation.
 * </ul>
 */
package dev.quiver.ensemble;
