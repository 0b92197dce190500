package dev.quiver.jobs;

import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One NDJSON file a stage reads in file mode, as its command-line option ({@code --input FILE}): a
 * {@link PathOption#file}, checked by {@link ReadableFileConverter} as it is parsed. A stage lists
 * its files in {@link Stage#files()} and {@link JobCommand} adds them to the stage's options; after
 * parsing, {@link #file()} is the file given, or null.
 *
 * <pre>{@code
 * final FileOption input = FileOption.input("--input", "Read observations from this NDJSON file.");
 * ...
 * DataStream<RawRecord> raw = context.source(topic.topic(), input.file());
 * }</pre>
 */
public final class FileOption {

    private final PathOption path;
    private final boolean neededInFileMode;

    private FileOption(String option, String description, boolean neededInFileMode) {
        this.path = PathOption.file(option, description);
        this.neededInFileMode = neededInFileMode;
    }

    /** A file the stage reads in file mode, where it must be given. */
    static FileOption input(String option, String description) {
        return new FileOption(option, description, true);
    }

    /** A file the stage reads only if given. */
    static FileOption optional(String option, String description) {
        return new FileOption(option, description, false);
    }

    /** The file given, or null. */
    public Path file() {
        return path.path();
    }

    /** The option, for the stage's command. */
    OptionSpec spec() {
        return path.spec();
    }

    /**
     * The file inputs by option name in the order given, as the shared options check them: each
     * file needed in file mode (null where not given, so that Kafka mode leaves it out), an
     * optional one only where given.
     */
    static Map<String, Path> byName(List<FileOption> files) {
        Map<String, Path> byName = new LinkedHashMap<>();
        for (FileOption option : files) {
            if (option.neededInFileMode || option.file() != null) {
                byName.put(option.spec().longestName(), option.file());
            }
        }
        return byName;
    }
}
