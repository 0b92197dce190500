package dev.quiver.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * An annotated picocli command some of whose options are declared in code ({@link PathOption},
 * {@link TopicOption}), so that options of one kind share their label, type and check instead of
 * repeating them in each annotation. Its {@link Adder}, the model transformer every subclass
 * inherits, adds those options to the command's spec as picocli builds it: {@code new
 * CommandLine(command)} sees them like annotated ones, in help, parsing and errors, and no command
 * can declare them and forget to add them.
 *
 * <pre>{@code
 * @Command(name = "schemas")
 * final class SchemasCommand extends CommandWithOptionsInCode implements Callable<Integer> {
 *     final PathOption out = PathOption.requiredDirectory("--out", "Directory to write into.");
 *
 *     protected void addOptionsTo(CommandSpec command) { out.addTo(command); }
 * }
 * }</pre>
 */
@Command(modelTransformer = CommandWithOptionsInCode.Adder.class)
public abstract class CommandWithOptionsInCode {

    /** Adds the options declared in code to {@code command}, this object's spec. */
    protected abstract void addOptionsTo(CommandSpec command);

    /** Adds the options a {@link CommandWithOptionsInCode} declares in code to its spec. */
    public static final class Adder implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            ((CommandWithOptionsInCode) command.userObject()).addOptionsTo(command);
            return command;
        }
    }
}
