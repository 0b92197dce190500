package dev.quiver.interop;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * kcat, the librdkafka command-line client, against a broker: consumes a topic to its end with
 * read_committed isolation and produces a file as one message.
 *
 * <pre>{@code
 * Kcat kcat = new Kcat(ExternalTools.assumeKcat("MyIT"), clientProperties);
 * kcat.produceFile("quiver.observations", "ad-7", observationFile);
 * List<Kcat.Message> results = kcat.consumeCommitted("quiver.posteriors");
 * }</pre>
 *
 * @param executable the kcat program
 * @param clientProperties librdkafka's settings as {@code property=value} lines, for {@code -F}
 */
public record Kcat(Path executable, Path clientProperties) {

    /**
     * Each message framed by its lengths, so that binary keys and values need no delimiter: a line
     * {@code PARTITION OFFSET KEY_LENGTH VALUE_LENGTH}, the key, the value, a newline.
     */
    private static final String FORMAT = "%p %o %K %S\\n%k%s\\n";

    private static final Duration BOUND = Duration.ofSeconds(60);

    /** One consumed message; a length of -1 (no key) reads as an empty key. */
    public record Message(int partition, long offset, byte[] key, byte[] value) {}

    /** Every committed message of {@code topic}, from the beginning to its end now. */
    public List<Message> consumeCommitted(String topic) throws IOException, InterruptedException {
        byte[] out =
                run(
                        "-C",
                        "-t",
                        topic,
                        "-o",
                        "beginning",
                        "-e",
                        "-q",
                        "-X",
                        "isolation.level=read_committed",
                        "-f",
                        FORMAT);
        return parse(ByteBuffer.wrap(out));
    }

    /** Sends the whole of {@code file} as one message with key {@code key}. */
    public void produceFile(String topic, String key, Path file)
            throws IOException, InterruptedException {
        run("-P", "-t", topic, "-k", key, file.toString());
    }

    private byte[] run(String... args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of(executable.toString(), "-F", clientProperties.toString()));
        command.addAll(List.of(args));
        return ExternalTools.run(command, BOUND).assertSucceeded().stdout();
    }

    private static List<Message> parse(ByteBuffer out) {
        List<Message> messages = new ArrayList<>();
        while (out.hasRemaining()) {
            String[] header = line(out).split(" ");
            assertThat(header).as("kcat header %s", Arrays.toString(header)).hasSize(4);
            byte[] key = take(out, Integer.parseInt(header[2]));
            byte[] value = take(out, Integer.parseInt(header[3]));
            assertThat(out.get()).as("newline after a kcat message").isEqualTo((byte) '\n');
            messages.add(
                    new Message(
                            Integer.parseInt(header[0]), Long.parseLong(header[1]), key, value));
        }
        return messages;
    }

    private static String line(ByteBuffer out) {
        int start = out.position();
        while (out.get() != '\n') {
            // up to the header's end
        }
        return new String(out.array(), start, out.position() - start - 1, US_ASCII);
    }

    private static byte[] take(ByteBuffer out, int length) {
        byte[] bytes = new byte[Math.max(length, 0)];
        out.get(bytes);
        return bytes;
    }
}
