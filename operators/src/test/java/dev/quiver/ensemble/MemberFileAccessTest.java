package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The files a composition may read: regular files whose real paths lie in its folder, whether it
 * is loaded ({@link EnsembleModels#load}) or made self-contained for publishing ({@link
 * EnsembleModels#selfContained}).
 */
class MemberFileAccessTest {

    /**
     * How long a refusal may take. Reading a FIFO that nothing writes to blocks for ever, so a
     * reader that opens special files would hang the test rather than fail it without this bound.
     */
    private static final Duration REFUSAL_TIME = Duration.ofSeconds(20);

    /** A bagging composition {@code bag.json} in {@code folder} of the member files named. */
    static Path bagging(Path folder, String... members) throws IOException {
        return writeBagging(folder.resolve("bag.json"), members);
    }

    /** A bagging composition written to {@code file}, of the member files named. */
    static Path writeBagging(Path file, String... members) throws IOException {
        StringBuilder list = new StringBuilder();
        for (String member : members) {
            list.append(list.isEmpty() ? "" : ", ").append("{\"xgboost\": \"" + member + "\"}");
        }
        return Files.writeString(
                file,
                "{\"format\": \"quiver-ensemble\", \"version\": 1, \"type\": \"bagging\","
                        + " \"combine\": \"mean\", \"members\": ["
                        + list
                        + "]}");
    }

    /** Both ways of reading a composition refuse it with {@code reason}. */
    private static void assertRefused(Path composition, String reason) {
        assertTimeoutPreemptively(
                REFUSAL_TIME,
                () -> {
                    assertThatThrownBy(() -> EnsembleModels.load(composition))
                            .isInstanceOf(ModelFormatException.class)
                            .hasMessageContaining(reason);
                    assertThatThrownBy(
                                    () ->
                                            EnsembleModels.selfContained(
                                                    composition, LoadLimits.DEFAULTS))
                            .isInstanceOf(ModelFormatException.class)
                            .hasMessageContaining(reason);
                });
    }

    private static Path outsideModel(Path root) throws IOException {
        Path outside = Files.createDirectories(root.resolve("outside"));
        return Files.copy(Oracles.file("xgb_bc_binary.json"), outside.resolve("secret.json"));
    }

    @Test
    void aMemberLinkedToAFileOutsideTheFolderIsRefused(@TempDir Path root) throws IOException {
        Path secret = outsideModel(root);
        Path folder = Files.createDirectories(root.resolve("models"));
        Files.createSymbolicLink(folder.resolve("link.json"), secret);

        assertRefused(
                bagging(folder, "link.json"),
                "member 'link.json' resolves outside the composition folder");
    }

    @Test
    void aMemberInALinkedFolderOutsideTheFolderIsRefused(@TempDir Path root) throws IOException {
        Path secret = outsideModel(root);
        Path folder = Files.createDirectories(root.resolve("models"));
        Files.createSymbolicLink(folder.resolve("shared"), secret.getParent());

        assertRefused(
                bagging(folder, "shared/secret.json"),
                "member 'shared/secret.json' resolves outside the composition folder");
    }

    @Test
    void aMemberThatClimbsOutOfTheFolderIsRefusedEvenIfMissing(@TempDir Path root)
            throws IOException {
        Path folder = Files.createDirectories(root.resolve("models"));
        Files.createDirectories(folder.resolve("sub"));

        assertRefused(
                bagging(folder, "sub/../../x.json"),
                "member 'sub/../../x.json' resolves outside the composition folder");
        assertRefused(
                bagging(folder, root.resolve("x.json").toString()), "is an absolute path");
    }

    @Test
    void linksThatStayInsideTheFolderAreRead(@TempDir Path root) throws IOException {
        // The layout of a Kubernetes ConfigMap volume: every name is a link into a versioned
        // folder beside it, and the composition itself is reached through a link too.
        Path folder = Files.createDirectories(root.resolve("models"));
        Path data = Files.createDirectories(folder.resolve("..2026_01_01/members"));
        Files.copy(Oracles.file("xgb_bc_binary.json"), data.resolve("a.json"));
        Files.createSymbolicLink(folder.resolve("..data"), Path.of("..2026_01_01"));
        Files.createSymbolicLink(folder.resolve("members"), Path.of("..data/members"));
        Files.createSymbolicLink(folder.resolve("a.json"), Path.of("..data/members/a.json"));
        Path composition =
                writeBagging(folder.resolve("..data/bag.json"), "a.json", "members/a.json");
        Path named =
                Files.createSymbolicLink(folder.resolve("bag.json"), Path.of("..data/bag.json"));
        Path linkedFolder = Files.createSymbolicLink(root.resolve("current"), folder);

        EnsembleModel direct = EnsembleModels.fromXgboost(Oracles.bytes("xgb_bc_binary.json"));
        assertThat(EnsembleModels.load(named).featureCount()).isEqualTo(direct.featureCount());
        assertThat(EnsembleModels.load(linkedFolder.resolve("bag.json")).featureCount())
                .isEqualTo(direct.featureCount());
        String embedded =
                new String(
                        EnsembleModels.selfContained(named, LoadLimits.DEFAULTS),
                        StandardCharsets.UTF_8);
        String memberBase64 =
                Base64.getEncoder().encodeToString(Oracles.bytes("xgb_bc_binary.json"));
        assertThat(embedded)
                .contains("\"a.json\": \"" + memberBase64 + "\"")
                .contains("\"members/a.json\": \"" + memberBase64 + "\"")
                .endsWith(Files.readString(composition).substring(1));
    }

    @Test
    void aFifoMemberIsRefusedWithoutBeingOpened(@TempDir Path root)
            throws IOException, InterruptedException {
        Path folder = Files.createDirectories(root.resolve("models"));
        makeFifo(folder.resolve("pipe.json"));

        assertRefused(
                bagging(folder, "pipe.json"),
                "member file 'pipe.json' is not a regular file (a FIFO, socket or device)");
    }

    @Test
    void aFolderMemberIsRefused(@TempDir Path root) throws IOException {
        Path folder = Files.createDirectories(root.resolve("models"));
        Files.createDirectories(folder.resolve("sub.json"));

        assertRefused(
                bagging(folder, "sub.json"),
                "member file 'sub.json' is not a regular file (a directory)");
    }

    @Test
    void aModelFileThatIsAFifoIsRefusedWithoutBeingOpened(@TempDir Path root)
            throws IOException, InterruptedException {
        Path pipe = root.resolve("model.json");
        makeFifo(pipe);

        assertRefused(pipe, "model file model.json is not a regular file");
    }

    /** A named pipe, made by coreutils' mkfifo (Java has no API for one). */
    static void makeFifo(Path path) throws IOException, InterruptedException {
        Process mkfifo =
                new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mkfifo.waitFor()).as("mkfifo: " + output).isZero();
        assertThat(Files.isRegularFile(path)).isFalse();
        assertThat(Files.exists(path)).isTrue();
    }
}
