package dev.quiver.jobs;

import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * An annotated picocli command some of whose options are declared in code ({@link PathOption},
 * {@link TopicOption}), so that options of one kind share their label, type and check instead of
 * repeating them in each annotation. The command names {@link Adder} as its model transformer,
 * which adds those options to the command's spec as picocli builds it: {@code new
 * CommandLine(command)} sees them like annotated ones, in help, parsing and errors.
 *
 * <pre>{@code
 * @Command(name = "schemas", modelTransformer = OptionsInCode.Adder.class)
 * final class SchemasCommand implements Callable<Integer>, OptionsInCode {
 *     final PathOption out = PathOption.requiredDirectory("--out", "Directory to write into.");
 *
 *     public void addOptionsTo(CommandSpec command) { command.addOption(out.spec()); }
 * }
 * }</pre>
 */
public interface OptionsInCode {

    /** Adds the options declared in code to {@code command}, this object's spec. */
    void addOptionsTo(CommandSpec command);

    /** Adds the options an {@link OptionsInCode} command declares in code to its spec. */
    final class Adder implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            ((OptionsInCode) command.userObject()).addOptionsTo(command);
            return command;
        }
    }
}
