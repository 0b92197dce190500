package dev.quiver.ensemble;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
}
