package dev.quiver.knn.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.knn.KnnMetric;
import dev.quiver.schema.QueryEvent;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

/** The decode step's check of a query, by the reason it gives. */
class QueryEventValidatorTest {

    private final QueryEventValidator validator = new QueryEventValidator(KnnMetric.SQUARED_L2, 16);

    private static QueryEvent.Builder query() {
        return QueryEvent.newBuilder()
                .setId("q")
                .setNamespace("ns")
                .setTs(Instant.ofEpochMilli(1))
                .setVector(List.of(1f, 2f))
                .setK(3);
    }

    @Test
    void aQueryWithIdNamespaceAndFiniteVectorIsValid() {
        assertThat(validator.invalidReason(query().build())).isNull();
    }

    @Test
    void anEmptyNamespaceIsRefusedAsForVectors() {
        assertThat(validator.invalidReason(query().setNamespace("").build()))
                .isEqualTo("query has an empty namespace");
    }
}
