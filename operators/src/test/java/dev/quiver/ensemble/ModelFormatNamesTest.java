package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The format names a model update records, told from the bytes XGBoost and Quiver write. */
class ModelFormatNamesTest {

    @Test
    void formatsAreToldApartByContent() throws IOException {
        // The same model saved by XGBoost in both of its formats (see the oracles' README).
        assertThat(EnsembleModels.formatOf(Oracles.bytes("xgb_bc_binary.json")))
                .isEqualTo(EnsembleModels.XGBOOST_JSON_FORMAT);
        assertThat(EnsembleModels.formatOf(Oracles.bytes("xgb_bc_binary.ubj")))
                .isEqualTo(EnsembleModels.XGBOOST_UBJ_FORMAT);
        assertThat(
                        EnsembleModels.formatOf(
                                "{\"format\": \"quiver-ensemble\"}"
                                        .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(EnsembleModels.COMPOSITION_FORMAT);
    }

    @Test
    void aCompositionWithItsMemberFilesEmbeddedIsNamedAComposition(@TempDir Path folder)
            throws IOException {
        Files.copy(Oracles.file("xgb_bc_binary.json"), folder.resolve("a.json"));
        Path composition = MemberFileAccessTest.bagging(folder, "a.json");

        byte[] published = EnsembleModels.selfContained(composition, LoadLimits.DEFAULTS);

        assertThat(EnsembleModels.formatOf(published))
                .isEqualTo(EnsembleModels.COMPOSITION_FORMAT);
    }

    @Test
    void formatsAreNamedByTheDocumentsTopLevelFieldsWhereverTheyAre() throws IOException {
        String xgboost = new String(Oracles.bytes("xgb_bc_binary.json"), StandardCharsets.UTF_8);
        // An XGBoost model is one however its attributes read; fromBytes goes by its 'learner'.
        String mentioning =
                xgboost.replaceFirst(
                        "\"attributes\":\\{", "\"attributes\":{\"format\":\"quiver-ensemble\",");
        assertThat(mentioning).contains("{\"format\":\"quiver-ensemble\",");
        assertThat(EnsembleModels.formatOf(mentioning.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(EnsembleModels.XGBOOST_JSON_FORMAT);
        // A composition may state its format after a long inline model.
        String late =
                "{\"type\": \"trees\", \"version\": 1, \"features\": 1, \"trees\": ["
                        + "{\"leaf\": 0.5}, ".repeat(2_000)
                        + "{\"leaf\": 0.5}], \"format\": \"quiver-ensemble\"}";
        assertThat(EnsembleModels.fromBytes(late.getBytes(StandardCharsets.UTF_8)).featureCount())
                .isEqualTo(1);
        assertThat(EnsembleModels.formatOf(late.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(EnsembleModels.COMPOSITION_FORMAT);
    }
}
