package dev.quiver.jobs;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * One job family as a command: its {@link Stage}'s options beside the options every job shares
 * ({@link JobIoOptions}), then the stage alone on its own environment. The same command is {@code
 * quiver run NAME} and what a family's main class runs on a Flink cluster.
 *
 * <pre>{@code
 * JobCommand<BayesStage> job = JobRegistry.BAYES.parse("--bootstrap", "localhost:9092");
 * job.build().execute("quiver bayes");
 * }</pre>
 *
 * @param <S> the family's stage
 */
@Command(mixinStandardHelpOptions = true)
public final class JobCommand<S extends Stage> implements Callable<Integer>, UsageChecked {

    @Mixin JobIoOptions io;

    @Spec CommandSpec spec;

    private final String name;
    private final S stage;
    private boolean usageChecked;

    private JobCommand(String name, S stage) {
        this.name = name;
        this.stage = stage;
    }

    /** The picocli command of {@code family}, with a new stage holding its options. */
    static <S extends Stage> CommandLine commandLine(JobFamily<S> family) {
        S stage = family.newStage().get();
        CommandSpec spec = CommandSpec.forAnnotatedObject(new JobCommand<>(family.name(), stage));
        CommandSpec stageOptions = CommandSpec.forAnnotatedObject(stage);
        for (TopicOption topic : stage.topics()) {
            stageOptions.addOption(topic.spec());
        }
        for (FileOption file : stage.files()) {
            stageOptions.addOption(file.spec());
        }
        spec.addMixin("stage", stageOptions);
        spec.name(family.name());
        spec.usageMessage().description(family.description());
        return new CommandLine(spec);
    }

    /** The options every job shares. */
    public JobIoOptions io() {
        return io;
    }

    /** The stage with its options. */
    public S stage() {
        return stage;
    }

    /** Runs the job, its options checked first. */
    @Override
    public Integer call() throws Exception {
        checkUsage();
        buildChecked().execute("quiver " + name);
        return 0;
    }

    /**
     * Checks the options as {@link #build()} does, once: a check that fails, the kernels' own
     * included, is bad usage (picocli's {@link ParameterException}, exit 2); whatever fails after
     * them is a failure of the job (exit 1).
     */
    @Override
    public void checkUsage() {
        if (usageChecked) {
            return;
        }
        try {
            checkOptions();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        usageChecked = true;
    }

    /**
     * The job's environment with its stage added, ready to execute. Checks the options first and,
     * with Kafka, that the broker answers and that the job's topics exist ({@code
     * --create-topics} creates the missing ones), so a wrong option, address or topic is a
     * one-line error rather than a failing or hanging job.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    public StreamExecutionEnvironment build() {
        checkOptions();
        return buildChecked();
    }

    /**
     * Checks every option that needs no broker: the stage's own, then the shared ones against the
     * stage's file inputs. Bad options are reported before anything connects or starts.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    void checkOptions() {
        stage.check();
        io.check(FileOption.byName(stage.files()));
    }

    private StreamExecutionEnvironment buildChecked() {
        io.checkBrokerReachable();
        io.prepareTopics(topics(), readTopics(), writtenTopics());
        StageContext context = newContext();
        addChecked(context);
        return context.environment();
    }

    /** Every topic the job reads or writes, in its stage's order, the dead-letter topic last. */
    Set<String> topics() {
        Set<String> topics = new LinkedHashSet<>();
        stage.topics().forEach(topic -> topics.add(topic.topic()));
        topics.add(io.deadLetterTopic());
        return topics;
    }

    /**
     * The topics the job reads: its stage's inputs. A topic the stage also writes (one given to an
     * input option and a result option) is in both this and {@link #writtenTopics()}.
     */
    Set<String> readTopics() {
        Set<String> read = new LinkedHashSet<>();
        stage.topics().stream()
                .filter(topic -> !topic.written())
                .forEach(topic -> read.add(topic.topic()));
        return read;
    }

    /** The topics the job writes: its stage's results, its dead letters. */
    Set<String> writtenTopics() {
        Set<String> written = new LinkedHashSet<>();
        stage.topics().stream()
                .filter(TopicOption::written)
                .forEach(topic -> written.add(topic.topic()));
        written.add(io.deadLetterTopic());
        return written;
    }

    /**
     * Adds the stage to {@code env}, another stage's environment in a pipeline, with its own
     * sources, sinks and dead-letter sink.
     */
    void addTo(StreamExecutionEnvironment env) {
        StageContext context = contextOn(env);
        stage.check();
        addChecked(context);
    }

    /**
     * A context for this job's stage on a new environment configured by the shared options;
     * checks them first.
     */
    StageContext newContext() {
        PipelineIo pipelineIo = pipelineIo();
        return new StageContext(pipelineIo.environment(), pipelineIo);
    }

    /** A context for this job's stage on {@code env}; checks the shared options first. */
    StageContext contextOn(StreamExecutionEnvironment env) {
        return new StageContext(env, pipelineIo());
    }

    /**
     * Where this job reads and writes; checks the shared options against the stage's file inputs
     * (the options' checks that need no broker, with {@link Stage#check()}).
     */
    PipelineIo pipelineIo() {
        return new PipelineIo(name, io, FileOption.byName(stage.files()));
    }

    private void addChecked(StageContext context) {
        stage.addTo(context);
        context.writeDeadLetters();
    }
}
