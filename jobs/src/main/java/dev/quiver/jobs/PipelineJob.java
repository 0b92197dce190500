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
     * Runs the pipeline on a Flink cluster ({@code flink run -c dev.quiver.jobs.PipelineJob});
     * takes only the options every job shares. A bad option escapes as an exception, which a
     * cluster reports as a failed submission.
     */
    public static void main(String[] args) throws Exception {
        build(args).execute("quiver pipeline");
    }

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
