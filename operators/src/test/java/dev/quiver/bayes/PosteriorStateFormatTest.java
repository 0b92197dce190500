package dev.quiver.bayes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

class PosteriorStateFormatTest {

    /** Prior Beta(1, 1), 7 successes, 3 failures, as serial version 1 wrote it. */
    private static final String GOLDEN_V1 = "beta_bernoulli_v1.bin";

    private static byte[] goldenV1() throws IOException {
        try (InputStream in = PosteriorStateFormatTest.class.getResourceAsStream(GOLDEN_V1)) {
            assertThat(in).as("test resource %s", GOLDEN_V1).isNotNull();
            return in.readAllBytes();
        }
    }

    private static byte[] validState() {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.withPrior(2.0, 3.0);
        posterior.update(new double[] {1, 0, 0, 1, 0}, 0, 5);
        return posterior.toBytes();
    }

    /** Version 1 had the version 2 layout; only the version byte and the count rules differ. */
    private static byte[] asVersion1(byte[] bytes) {
        final byte[] version1 = bytes.clone();
        version1[1] = (byte) PosteriorStateFormat.SERIAL_VERSION_1;
        return version1;
    }

    @Test
    void goldenV1BytesStillRead() throws IOException {
        final BetaBernoulliPosterior posterior = BetaBernoulliPosterior.fromBytes(goldenV1());
        assertThat(posterior.priorAlpha()).isEqualTo(1.0);
        assertThat(posterior.priorBeta()).isEqualTo(1.0);
        assertThat(posterior.successes()).isEqualTo(7.0);
        assertThat(posterior.failures()).isEqualTo(3.0);
        assertThat(posterior.alpha()).isEqualTo(8.0);
        assertThat(posterior.beta()).isEqualTo(4.0);
    }

    @Test
    void goldenV2BytesStillReadWithFractionalWeights() throws IOException {
        final BetaBernoulliPosterior posterior =
                BetaBernoulliPosterior.fromBytes(
                        PosteriorGoldenBytes.read(PosteriorGoldenBytes.name("beta_bernoulli", 2)));
        assertThat(posterior.priorAlpha()).isEqualTo(1.0);
        assertThat(posterior.priorBeta()).isEqualTo(1.0);
        assertThat(posterior.successes()).isEqualTo(3.5);
        assertThat(posterior.failures()).isEqualTo(1.5);
    }

    /**
     * Pins the current layout of every family: a change to a writer that would silently rewrite a
     * shipped format fails here and needs a new serial version instead.
     */
    @Test
    void currentWritersStillWriteTheGoldenBytesOfEveryFamily() throws IOException {
        assertThat(PosteriorStateFormat.CURRENT_SERIAL_VERSION)
                .isEqualTo(PosteriorStateFormat.SERIAL_VERSION_2);
        for (var sample : PosteriorGoldenBytes.currentSamples().entrySet()) {
            assertThat(sample.getValue().get().toBytes())
                    .as(sample.getKey())
                    .isEqualTo(PosteriorGoldenBytes.read(sample.getKey()));
        }
    }

    @Test
    void currentDetectorWriterStillWritesItsGoldenBytes() throws IOException {
        for (var sample : PosteriorGoldenBytes.currentDetectorSamples().entrySet()) {
            assertThat(sample.getValue().get().toBytes())
                    .as(sample.getKey())
                    .isEqualTo(PosteriorGoldenBytes.read(sample.getKey()));
        }
    }

    /**
     * Every shipped file has a sample (the version 1 file is checked above), and restores to a
     * state equal to it: the same bytes again, the same summary and statistics.
     */
    @Test
    void everyShippedFileRestoresToAStateEqualToItsSample() throws IOException, URISyntaxException {
        final var posteriors = PosteriorGoldenBytes.currentSamples();
        final var detectors = PosteriorGoldenBytes.currentDetectorSamples();
        final List<String> shipped = shippedFiles();
        assertThat(shipped)
                .containsAll(posteriors.keySet())
                .containsAll(detectors.keySet())
                .hasSize(posteriors.size() + detectors.size() + 1);
        for (String name : shipped) {
            final byte[] bytes = PosteriorGoldenBytes.read(name);
            if (name.equals(GOLDEN_V1)) {
                continue;
            }
            if (detectors.containsKey(name)) {
                assertDetectorRestores(name, detectors.get(name).get(), bytes);
            } else {
                assertThat(posteriors).as("a sample for %s", name).containsKey(name);
                assertPosteriorRestores(name, posteriors.get(name).get(), bytes);
            }
        }
    }

    private static List<String> shippedFiles() throws IOException, URISyntaxException {
        final Path directory =
                Path.of(
                        PosteriorStateFormatTest.class
                                .getClassLoader()
                                .getResource(PosteriorGoldenBytes.DIRECTORY)
                                .toURI());
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".bin"))
                    .sorted()
                    .toList();
        }
    }

    private static void assertPosteriorRestores(
            String name, ConjugatePosterior sample, byte[] bytes) {
        final ConjugatePosterior restored = BayesModels.fromBytes(sample.modelName(), bytes);
        assertThat(restored.toBytes()).as(name).isEqualTo(bytes);
        assertThat(restored.getClass()).as(name).isEqualTo(sample.getClass());
        assertThat(restored.toString()).as(name).isEqualTo(sample.toString());
        assertThat(restored.getN()).as(name).isEqualTo(sample.getN());
        assertThat(restored.isEmpty()).as(name).isEqualTo(sample.isEmpty());
        assertThat(restored.summarize()).as(name).isEqualTo(sample.summarize());
        assertThat(restored.logMarginalLikelihood())
                .as(name)
                .isEqualTo(sample.logMarginalLikelihood());
    }

    private static void assertDetectorRestores(
            String name, ChangePointDetector sample, byte[] bytes) {
        final ChangePointDetector restored = ChangePointDetector.fromBytes(bytes);
        assertThat(restored.toBytes()).as(name).isEqualTo(bytes);
        assertThat(restored.toString()).as(name).isEqualTo(sample.toString());
        assertThat(restored.observations()).as(name).isEqualTo(sample.observations());
        assertThat(restored.hazard()).as(name).isEqualTo(sample.hazard());
        assertThat(restored.maxRunLength()).as(name).isEqualTo(sample.maxRunLength());
        assertThat(restored.shortRunWindow()).as(name).isEqualTo(sample.shortRunWindow());
        assertThat(restored.runLengthDistribution())
                .as(name)
                .isEqualTo(sample.runLengthDistribution());
        // A restored detector continues exactly where the writer was.
        for (double value : new double[] {6.2, -40.0, 0.5}) {
            assertThat(restored.update(BayesObservation.of(value)))
                    .as("%s, then %s", name, value)
                    .isEqualTo(sample.update(BayesObservation.of(value)));
        }
        assertThat(restored.toBytes()).as(name).isEqualTo(sample.toBytes());
    }

    @Test
    void version1AndVersion2OfTheSameCountsReadAlike() {
        final byte[] version2 = validState();
        final BetaBernoulliPosterior fromVersion1 =
                BetaBernoulliPosterior.fromBytes(asVersion1(version2));
        assertThat(fromVersion1.toBytes()).isEqualTo(version2);
    }

    @Test
    void preambleHoldsSizeVersionFamilyFlagsAndConfigHash() {
        final byte[] bytes = validState();
        assertThat(bytes).hasSize(40);
        assertThat(bytes[0]).isEqualTo((byte) 1);
        assertThat(bytes[1]).isEqualTo((byte) PosteriorStateFormat.CURRENT_SERIAL_VERSION);
        assertThat(bytes[2]).isEqualTo((byte) PosteriorStateFormat.BETA_BERNOULLI);
        assertThat(bytes[3]).isZero();
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.getInt(4))
                .isEqualTo(PosteriorStateFormat.betaBernoulliConfigHash(2.0, 3.0));
        assertThat(buffer.getDouble(8)).isEqualTo(2.0);
        assertThat(buffer.getDouble(16)).isEqualTo(3.0);
        assertThat(buffer.getDouble(24)).isEqualTo(2.0);
        assertThat(buffer.getDouble(32)).isEqualTo(3.0);
    }

    @Test
    void bytesRoundTripToEqualParameters() {
        final SplittableRandom random = new SplittableRandom(0xB17E5L);
        for (int trial = 0; trial < 100; trial++) {
            final BetaBernoulliPosterior posterior =
                    BetaBernoulliPosterior.withPrior(
                            0.01 + 10 * random.nextDouble(), 0.01 + 10 * random.nextDouble());
            final int n = random.nextInt(1_000);
            for (int i = 0; i < n; i++) {
                posterior.update(random.nextInt(2));
            }
            final BetaBernoulliPosterior restored =
                    BetaBernoulliPosterior.fromBytes(posterior.toBytes());
            assertThat(restored.priorAlpha()).isEqualTo(posterior.priorAlpha());
            assertThat(restored.priorBeta()).isEqualTo(posterior.priorBeta());
            assertThat(restored.successes()).isEqualTo(posterior.successes());
            assertThat(restored.failures()).isEqualTo(posterior.failures());
            assertThat(restored.summarize()).isEqualTo(posterior.summarize());
        }
    }

    @Test
    void restoredPosteriorKeepsUpdating() {
        final BetaBernoulliPosterior restored = BetaBernoulliPosterior.fromBytes(validState());
        restored.update(1.0);
        restored.revert(0.0);
        assertThat(restored.successes()).isEqualTo(3.0);
        assertThat(restored.failures()).isEqualTo(2.0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 200, 255})
    void readRejectsAnUnknownSerialVersionNamingTheKnownOnes(int version) {
        final byte[] bytes = validState();
        bytes[1] = (byte) version;
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Serial version " + version + " not recognized, this reader knows 1, 2");
    }

    @Test
    void readRejectsAnotherFamily() {
        final byte[] bytes = validState();
        bytes[2] = 2;
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("family id 2")
                .hasMessageContaining("expected 1");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 7})
    void readRejectsBytesShorterThanThePreamble(int length) {
        final byte[] bytes = Arrays.copyOf(validState(), length);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("state has " + length + " bytes")
                .hasMessageContaining("8-byte preamble");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 39, 41})
    void readRejectsAVersion1PayloadOfTheWrongLength(int length) {
        final byte[] bytes = Arrays.copyOf(asVersion1(validState()), length);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("state has " + length + " bytes")
                .hasMessageContaining("needs 40");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 39})
    void readRejectsATruncatedVersion2Payload(int length) {
        final byte[] bytes = Arrays.copyOf(validState(), length);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: state ends before ")
                .hasMessageContaining("beta-bernoulli");
    }

    @Test
    void readRejectsAPaddedVersion2Payload() {
        final byte[] bytes = Arrays.copyOf(validState(), 41);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Corrupted: 1 bytes after the beta-bernoulli state");
    }

    @Test
    void readRejectsAWrongPreambleSize() {
        final byte[] bytes = validState();
        bytes[0] = 2;
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("preamble longs 2");
    }

    @Test
    void readRejectsUnknownFlags() {
        final byte[] bytes = validState();
        bytes[3] = 4;
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("flags 0x04");
    }

    @Test
    void readRejectsAVersion1PriorThatDoesNotMatchTheConfigHash() {
        final byte[] bytes = asVersion1(validState());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(8, 2.5);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: ")
                .hasMessageContaining("config hash")
                .hasMessageContaining("Beta(2.5, 3.0)");
    }

    @Test
    void readRejectsAVersion2PriorThatDoesNotMatchTheConfigHash() {
        final byte[] bytes = validState();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putDouble(8, 2.5);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Corrupted: config hash")
                .hasMessageContaining("beta-bernoulli prior hashes to");
    }

    @Test
    void readRejectsAnInvalidPriorEvenWithAMatchingHash() {
        final byte[] bytes = PosteriorStateFormat.writeBetaBernoulli(-1.0, 1.0, 0.0, 0.0);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Corrupted: prior alpha -1.0 is not finite and > 0");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1.0, 2.5, Double.NaN, Double.POSITIVE_INFINITY, 0x1p54})
    void readRejectsVersion1CountsThatAreNotWholeNumbersInRange(double successes) {
        final byte[] bytes =
                asVersion1(PosteriorStateFormat.writeBetaBernoulli(1.0, 1.0, successes, 0.0));
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Corrupted: successes "
                                + successes
                                + " is not a whole number in [0, 2^53]");
    }

    @ParameterizedTest
    @ValueSource(doubles = {2.5, 1e-300, 0x1p54})
    void version2ReadsWeightsThatAreNotWholeNumbers(double successes) {
        final byte[] bytes = PosteriorStateFormat.writeBetaBernoulli(1.0, 1.0, successes, 0.0);
        assertThat(BetaBernoulliPosterior.fromBytes(bytes).successes()).isEqualTo(successes);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1.0, -0x1p-1074, Double.NaN, Double.POSITIVE_INFINITY})
    void readRejectsVersion2WeightsThatAreNegativeOrNotFinite(double failures) {
        final byte[] bytes = PosteriorStateFormat.writeBetaBernoulli(1.0, 1.0, 0.0, failures);
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Corrupted: failures " + failures + " is not finite and >= 0");
    }

    @Test
    void readRejectsNull() {
        assertThatThrownBy(() -> BetaBernoulliPosterior.fromBytes(null))
                .isInstanceOf(NullPointerException.class);
    }
}
