package dev.quiver.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;

/**
 * The whole pipeline as one Flink job: every stage that exists (bayes, match), each reading its own
 * topics with the options they share. The demo runs it; each operator issue adds its stage.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = PipelineJob.build("--bootstrap", bootstrap, "--parallelism", "2");
 * JobClient job = env.executeAsync("quiver pipeline");
 * }</pre>
 */
public final class PipelineJob {

    private PipelineJob() {}

    /**
     * The pipeline over Kafka, configured by the options every job shares ({@code --bootstrap},
     * {@code --parallelism}, checkpoints, {@code --group-id}); each stage keeps its defaults.
     */
    public static StreamExecutionEnvironment build(String... sharedOptions) {
        BayesJob bayes = CommandLine.populateCommand(new BayesJob(), sharedOptions);
        MatchJob match = CommandLine.populateCommand(new MatchJob(), sharedOptions);
        bayes.io.checkBrokerReachable();
        PipelineIo bayesIo = bayes.pipelineIo();
        StreamExecutionEnvironment env = bayesIo.environment();
        bayes.addTo(env, bayesIo);
        match.addTo(env, match.pipelineIo(), match.options());
        return env;
    }
}
