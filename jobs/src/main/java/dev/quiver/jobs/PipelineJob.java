package dev.quiver.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole pipeline as one Flink job: every stage that exists (bayes, match), each reading its own
 * topics with the options they share. The demo runs it; each operator issue adds its stage.
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

    private PipelineJob() {}

    /** The pipeline's own options; the others are shared by every stage. */
    private static final class PipelineOptions {
        @Option(names = "--score-model-id", paramLabel = "ID")
        String scoreModelId;

        @Unmatched List<String> shared = new ArrayList<>();
    }

    /**
     * The pipeline over Kafka, configured by the options every job shares ({@code --bootstrap},
     * {@code --parallelism}, checkpoints, {@code --group-id}) and {@code --score-model-id ID} for
     * the score stage; each stage keeps its defaults.
     */
    public static StreamExecutionEnvironment build(String... options) {
        PipelineOptions pipeline = CommandLine.populateCommand(new PipelineOptions(), options);
        String[] sharedOptions = pipeline.shared.toArray(String[]::new);
        BayesJob bayes = CommandLine.populateCommand(new BayesJob(), sharedOptions);
        MatchJob match = CommandLine.populateCommand(new MatchJob(), sharedOptions);
        bayes.io.checkBrokerReachable();
        PipelineIo bayesIo = bayes.pipelineIo();
        StreamExecutionEnvironment env = bayesIo.environment();
        bayes.addTo(env, bayesIo);
        match.addTo(env, match.pipelineIo(), match.options());
        if (pipeline.scoreModelId != null) {
            ScoreJob score = CommandLine.populateCommand(new ScoreJob(), sharedOptions);
            score.modelId = pipeline.scoreModelId;
            score.addTo(env, score.pipelineIo(), null);
        }
        return env;
    }
}
