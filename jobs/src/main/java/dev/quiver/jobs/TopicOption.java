package dev.quiver.jobs;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One topic a stage reads or writes, as its command-line option ({@code --posteriors-topic}) with
 * the topic's default. A stage lists its topics in {@link Stage#topics()} and {@link JobCommand}
 * adds them to the stage's options; after parsing, {@link #topic()} is the topic to use. A CLI
 * command declares its topic option the same way ({@link #required}, {@link #optional}) and adds it
 * through {@link CommandWithOptionsInCode}.
 *
 * <pre>{@code
 * final TopicOption posteriors = TopicOption.result("--posteriors-topic", Topics.POSTERIORS);
 * ...
 * context.io().sink(updates, PosteriorUpdate.class, posteriors.topic(), PosteriorUpdate::getKey);
 * }</pre>
 */
public final class TopicOption {

    private static final Pattern WORD_AFTER_DASH = Pattern.compile("-([a-z])");

    private final OptionSpec spec;
    private final boolean written;

    private TopicOption(
            String option,
            String paramLabel,
            String defaultTopic,
            boolean required,
            String description,
            boolean written) {
        this.written = written;
        this.spec =
                OptionSpec.builder(option)
                        .type(String.class)
                        .paramLabel(paramLabel)
                        .defaultValue(defaultTopic)
                        .required(required)
                        .description(description)
                        .build();
    }

    /** A stage's topic, labelled as it was when the stages' topics were annotated fields. */
    private static TopicOption ofStage(
            String option, String defaultTopic, String description, boolean written) {
        return new TopicOption(
                option, paramLabel(option), defaultTopic, false, description, written);
    }

    /** An input topic: "Input topic (default: ...)". */
    static TopicOption input(String option, String defaultTopic) {
        return ofStage(option, defaultTopic, "Input topic (default: ${DEFAULT-VALUE}).", false);
    }

    /** A result topic: "Result topic (default: ...)". */
    static TopicOption result(String option, String defaultTopic) {
        return ofStage(option, defaultTopic, "Result topic (default: ${DEFAULT-VALUE}).", true);
    }

    /** An input topic with its own description. */
    static TopicOption described(String option, String defaultTopic, String description) {
        return ofStage(option, defaultTopic, description, false);
    }

    /** A result topic with its own description. */
    static TopicOption describedResult(String option, String defaultTopic, String description) {
        return ofStage(option, defaultTopic, description, true);
    }

    /** A topic a command ({@code quiver consume}) must be given, labelled {@code TOPIC}. */
    public static TopicOption required(String option, String description) {
        return new TopicOption(option, "TOPIC", null, true, description, false);
    }

    /**
     * A topic a command may be given, labelled {@code TOPIC}; when none is given, {@link #topic()}
     * is null and the command picks one ({@code quiver publish}: by record type).
     */
    public static TopicOption optional(String option, String description) {
        return new TopicOption(option, "TOPIC", null, false, description, false);
    }

    /** A topic a command may be given, labelled {@code TOPIC}, with its default. */
    public static TopicOption optional(String option, String defaultTopic, String description) {
        return new TopicOption(option, "TOPIC", defaultTopic, false, description, false);
    }

    /** The topic given, or the default (null where there is none). */
    public String topic() {
        return spec.getValue();
    }

    /** True for a topic the stage writes, false for one it reads. */
    public boolean written() {
        return written;
    }

    /** Adds the option to a command's spec ({@link CommandWithOptionsInCode}). */
    public void addTo(CommandSpec command) {
        command.addOption(spec);
    }

    /** The option, for the stage's command. */
    OptionSpec spec() {
        return spec;
    }

    /**
     * The label help shows for the value, {@code <posteriorsTopic>} for {@code --posteriors-topic}:
     * what picocli showed when the topics were annotated fields of those names.
     */
    static String paramLabel(String option) {
        Matcher dash = WORD_AFTER_DASH.matcher(option.substring(2));
        StringBuilder camel = new StringBuilder();
        while (dash.find()) {
            dash.appendReplacement(camel, dash.group(1).toUpperCase(Locale.ROOT));
        }
        dash.appendTail(camel);
        return "<" + camel + ">";
    }
}
