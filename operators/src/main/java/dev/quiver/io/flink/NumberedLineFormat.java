package dev.quiver.io.flink;

import dev.quiver.io.RawLineReader;
import dev.quiver.io.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Reads an NDJSON file as {@link RawRecord}s numbered by line, so a bad line's dead letter says
 * where it is ({@code source = file:PATH}, {@code offset} = 1-based line number). A record's payload
 * is the line's bytes as they are in the file, undecoded (see {@link RawLineReader}). Blank lines
 * are skipped but counted. Not splittable: one reader reads the whole file in order.
 *
 * <pre>{@code
 * FileSource<RawRecord> source = FileSource
 *     .forRecordStreamFormat(new NumberedLineFormat("in.ndjson"), new Path("in.ndjson")).build();
 * }</pre>
 */
public final class NumberedLineFormat extends SimpleStreamFormat<RawRecord> {

    private final String source;

    /**
     * @param path the file's path, as it should appear in dead letters
     */
    public NumberedLineFormat(String path) {
        this.source = "file:" + path;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(
            Configuration config, FSDataInputStream stream) {
        // Lines travel as the file's bytes: decoding them here would turn malformed UTF-8 into
        // U+FFFD before the decode step could dead-letter it with the original bytes.
        RawLineReader reader = new RawLineReader(stream);
        return new StreamFormat.Reader<>() {
            private long lineNumber;

            @Override
            public RawRecord read() throws IOException {
                byte[] line;
                while ((line = reader.readLine()) != null) {
                    lineNumber++;
                    if (!RawLineReader.isBlank(line)) {
                        return RawRecord.of(source, -1, lineNumber, line);
                    }
                }
                return null;
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    /**
     * The number of the last line of {@code file} that this format reads as a record (the last one
     * not blank; 0 when there is none), numbered as the reader numbers lines: where a job that must
     * read the file to its end before it lets other input through waits ({@link
     * dev.quiver.io.InputEnd#ofFile}).
     */
    public static long lastRecordLine(java.nio.file.Path file) throws IOException {
        try (RawLineReader reader = new RawLineReader(Files.newInputStream(file))) {
            long lineNumber = 0;
            long lastRecord = 0;
            byte[] line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (!RawLineReader.isBlank(line)) {
                    lastRecord = lineNumber;
                }
            }
            return lastRecord;
        }
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
