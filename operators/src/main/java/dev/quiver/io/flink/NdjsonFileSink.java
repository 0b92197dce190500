package dev.quiver.io.flink;

import dev.quiver.io.NdjsonCodec;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes records as NDJSON lines to a local file, or to a directory of part files ({@code
 * part-<subtask>.ndjson}), one line per record.
 *
 * <p>Meant for bounded runs (backfills, tests): each writer truncates its file when it opens, so a
 * run that fails and restarts from the beginning (file runs take no checkpoints) rewrites its
 * output rather than duplicating it. A single file needs the sink at parallelism 1.
 *
 * <pre>{@code
 * stream.sinkTo(NdjsonFileSink.toFile(PosteriorUpdate.class, "out.ndjson")).setParallelism(1);
 * stream.sinkTo(NdjsonFileSink.toDirectory(PosteriorUpdate.class, "out/"));
 * }</pre>
 *
 * @param <T> the record type
 */
public final class NdjsonFileSink<T extends SpecificRecord> implements Sink<T> {

    private final Class<T> type;
    private final String path;
    private final boolean directory;

    private NdjsonFileSink(Class<T> type, String path, boolean directory) {
        this.type = type;
        this.path = path;
        this.directory = directory;
    }

    /** All records into one file; run the sink at parallelism 1. */
    public static <T extends SpecificRecord> NdjsonFileSink<T> toFile(Class<T> type, String path) {
        return new NdjsonFileSink<>(type, path, false);
    }

    /** One part file per subtask inside {@code dir}, created if missing. */
    public static <T extends SpecificRecord> NdjsonFileSink<T> toDirectory(
            Class<T> type, String dir) {
        return new NdjsonFileSink<>(type, dir, true);
    }

    /** True when this sink writes part files into a directory. */
    public boolean isDirectory() {
        return directory;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path target = Paths.get(path);
        if (directory) {
            Files.createDirectories(target);
            target =
                    target.resolve(
                            "part-" + context.getTaskInfo().getIndexOfThisSubtask() + ".ndjson");
        } else if (target.toAbsolutePath().getParent() != null) {
            Files.createDirectories(target.toAbsolutePath().getParent());
        }
        return new Writer<>(
                NdjsonCodec.of(type), Files.newBufferedWriter(target, StandardCharsets.UTF_8));
    }

    private static final class Writer<T extends SpecificRecord> implements SinkWriter<T> {
        private final NdjsonCodec<T> codec;
        private final BufferedWriter out;

        Writer(NdjsonCodec<T> codec, BufferedWriter out) {
            this.codec = codec;
            this.out = out;
        }

        @Override
        public void write(T record, Context context) throws IOException {
            out.write(codec.encode(record));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
