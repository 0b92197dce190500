package dev.quiver.jobs;

import java.util.List;

/**
 * Every job family, in one place: {@code quiver run}'s subcommands, the CLI's log-file notice, the
 * main classes ({@link BayesJob}, {@link QuiverJob} ...), {@link PipelineJob} and the docs check
 * all read this list. A new family is a {@link Stage}, its kernel package and an entry here.
 *
 * <pre>{@code
 * for (JobFamily<?> family : JobRegistry.all()) {
 *     System.out.println(family.name() + ": " + family.description());
 * }
 * }</pre>
 */
public final class JobRegistry {

    /** Online Bayesian updating. */
    public static final JobFamily<BayesStage> BAYES =
            new JobFamily<>(
                    "bayes",
                    "Online Bayesian updating: an exact conjugate posterior per observation key"
                            + " (and, with --global, across all keys), with a prequential log"
                            + " score.",
                    BayesStage::new);

    /** Streaming nearest-neighbour matching. */
    public static final JobFamily<MatchStage> MATCH =
            new JobFamily<>(
                    "match", "Incremental kd-tree nearest-neighbour matching per namespace.",
                    MatchStage::new);

    /** Random-walk simulation. */
    public static final JobFamily<WalkStage> WALK =
            new JobFamily<>(
                    "walk",
                    "Random-walk simulation per observation key, replay-safe, with exact values"
                            + " beside the simulated ones.",
                    WalkStage::new);

    /** Ensemble scoring with hot model swaps. */
    public static final JobFamily<ScoreStage> SCORE =
            new JobFamily<>(
                    "score",
                    "Ensemble scoring: XGBoost models, bagging and stacking, with hot model swaps"
                            + " from the models topic.",
                    ScoreStage::new);

    private static final List<JobFamily<?>> ALL = List.of(BAYES, MATCH, WALK, SCORE);

    private JobRegistry() {}

    /** Every family, in the order help and messages list them. */
    public static List<JobFamily<?>> all() {
        return ALL;
    }

    /** The families' names, in registry order. */
    public static List<String> names() {
        return ALL.stream().map(JobFamily::name).toList();
    }

    /**
     * The family called {@code name}.
     *
     * @throws IllegalArgumentException naming the known families when there is none
     */
    public static JobFamily<?> named(String name) {
        return ALL.stream()
                .filter(family -> family.name().equals(name))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown job '"
                                                + name
                                                + "'; known: "
                                                + String.join(", ", names())));
    }
}
