package dev.quiver.jobs;

import dev.quiver.io.Traced;
import dev.quiver.schema.Observation;

import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole pipeline as one Flink job: the stages of {@link JobRegistry}'s families (bayes, match,
 * walk, and score on request), each reading its own topics with the options they share, each with
 * its own consumer group, uids and dead-letter sink as when it runs alone. The demo runs it.
 *
 * <p>The walk stage reads the observations the bayes stage decoded (one decode per topic, so a bad
 * record is one dead letter) and, to keep the pipeline light, simulates every {@value
 * #WALK_TRIGGER}-th observation of a key with the simple walk, {@value #WALK_STEPS} steps on
 * {@value #WALK_PATHS} paths.
 *
 * <p>{@code --backend NAME} is given to the stages that compute through a compute backend (match,
 * walk, score), each of which keeps its own default without it; bayes computes without one.
 *
 * <p>The score stage is added on request, {@code --score-model-id ID}: it scores observations with
 * the versions of model {@code ID} published to the models topic ({@code quiver publish-model}),
 * and observations that arrive before the first version are dead letters ("no model 'ID' has been
 * published yet"), so none is dropped unseen. Without the option there is no score stage: a
 * pipeline that scored nothing would turn every observation into a dead letter.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = PipelineJob.build("--bootstrap", bootstrap, "--parallelism", "2");
 * JobClient job = env.executeAsync("quiver pipeline");
 * }</pre>
 */
public final class PipelineJob {

    /** The walk stage simulates every this-many-th observation of a key. */
    static final String WALK_TRIGGER = "100";

    /** Steps per path of the walk stage. */
    static final String WALK_STEPS = "100";

    /** Paths per simulation of the walk stage. */
    static final String WALK_PATHS = "1000";

    private PipelineJob() {}

    /** The pipeline's own options; the others are shared by every stage. */
    private static final class PipelineOptions {
        @Option(
                names = "--score-model-id",
                paramLabel = "ID",
                converter = ModelIdConverter.class)
        String scoreModelId;

        /** Given to each stage that computes through a backend; bayes computes without one. */
        @Option(names = "--backend", paramLabel = "NAME")
        String backend;

        @Unmatched List<String> shared = new ArrayList<>();
    }

    /**
     * Runs the pipeline on a Flink cluster ({@code flink run -c dev.quiver.jobs.PipelineJob});
     * takes only the options every job shares. A bad option escapes as an exception, which a
     * cluster reports as a failed submission.
     */
    public static void main(String[] args) throws Exception {
        build(args).execute("quiver pipeline");
    }

    /**
     * The pipeline over Kafka, configured by the options every job shares ({@code --bootstrap},
     * {@code --parallelism}, checkpoints, {@code --group-id}), {@code --score-model-id ID} for
     * the score stage and {@code --backend NAME} for the stages that compute through a backend;
     * each stage keeps its other defaults. Every stage's topics are checked at once
     * before the graph is built ({@code --create-topics} creates the missing ones).
     */
    public static StreamExecutionEnvironment build(String... options) {
        Stages stages = Stages.parse(options);
        JobCommand<BayesStage> bayes = stages.bayes();
        JobCommand<MatchStage> match = stages.match();
        JobCommand<WalkStage> walk = stages.walk();
        JobCommand<ScoreStage> score = stages.score();
        // Every stage's own options, --backend's probe included, before anything connects.
        for (JobCommand<?> stage : stages.all()) {
            stage.stage().check();
        }
        bayes.io().checkBrokerReachable();
        Set<String> topics = new LinkedHashSet<>();
        Set<String> read = new LinkedHashSet<>();
        Set<String> written = new LinkedHashSet<>();
        for (JobCommand<?> stage : stages.all()) {
            topics.addAll(stage.topics());
            read.addAll(stage.readTopics());
            written.addAll(stage.writtenTopics());
        }
        bayes.io().prepareTopics(topics, read, written);
        StageContext bayesContext = bayes.newContext();
        StreamExecutionEnvironment env = bayesContext.environment();
        SingleOutputStreamOperator<Traced<Observation>> observations =
                bayes.stage().addSharingObservations(bayesContext);
        bayesContext.writeDeadLetters();
        match.addTo(env);
        StageContext walkContext = walk.contextOn(env);
        walk.stage().addAfter(walkContext, observations);
        walkContext.writeDeadLetters();
        if (score != null) {
            score.addTo(env);
        }
        return env;
    }

    /**
     * The pipeline's stages, each parsed from the options it takes: the shared ones, {@code
     * --backend} for those that compute through a backend, the walk's light settings; {@code
     * score} null without {@code --score-model-id}.
     */
    record Stages(
            JobCommand<BayesStage> bayes,
            JobCommand<MatchStage> match,
            JobCommand<WalkStage> walk,
            JobCommand<ScoreStage> score) {

        static Stages parse(String... options) {
            PipelineOptions pipeline = CommandLine.populateCommand(new PipelineOptions(), options);
            List<String> shared = pipeline.shared;
            List<String> computing = new ArrayList<>(shared);
            if (pipeline.backend != null) {
                computing.addAll(List.of("--backend", pipeline.backend));
            }
            return new Stages(
                    JobRegistry.BAYES.parse(arguments(shared)),
                    JobRegistry.MATCH.parse(arguments(computing)),
                    JobRegistry.WALK.parse(
                            arguments(
                                    computing,
                                    "--trigger",
                                    WALK_TRIGGER,
                                    "--steps",
                                    WALK_STEPS,
                                    "--paths",
                                    WALK_PATHS)),
                    pipeline.scoreModelId == null
                            ? null
                            : JobRegistry.SCORE.parse(
                                    arguments(computing, "--model-id", pipeline.scoreModelId)));
        }

        /** The stages the pipeline runs, in order. */
        List<JobCommand<?>> all() {
            List<JobCommand<?>> all = new ArrayList<>(List.of(bayes, match, walk));
            if (score != null) {
                all.add(score);
            }
            return all;
        }
    }

    private static String[] arguments(List<String> shared, String... stageOptions) {
        List<String> arguments = new ArrayList<>(shared);
        arguments.addAll(List.of(stageOptions));
        return arguments.toArray(String[]::new);
    }
}
