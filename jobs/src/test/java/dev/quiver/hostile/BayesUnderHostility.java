package dev.quiver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;

import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The bayes job (Beta-Bernoulli, Beta(1, 1) prior) under hostile observations. Every value it
 * cannot take is a dead letter; every good observation's posterior update is the closed form Beta(1
 * + successes, 1 + failures) of its key's good observations up to it.
 */
final class BayesUnderHostility extends ObservationJob {

    BayesUnderHostility() {
        super("bayes", "--posteriors-topic", PosteriorUpdate.class);
    }

    @Override
    List<String> options() {
        return List.of("--model", "beta-bernoulli");
    }

    @Override
    double goodValue(SplittableRandom random) {
        return random.nextInt(2);
    }

    @Override
    void semanticCases(EntryMix<Observation> cases) {
        String notZeroOrOne = "beta-bernoulli needs value 0 or 1, got ";
        emptyKeyAndNonFiniteValues(cases, notZeroOrOne);
        cases.semantic("value out of range", Map.of("value", "2"), notZeroOrOne + "2.0");
        cases.semantic("value out of range", Map.of("value", "-1e308"), notZeroOrOne + "-1.0E308");
        cases.semantic("value out of range", Map.of("value", "0.5"), notZeroOrOne + "0.5");
    }

    @Override
    void checkResults(List<List<Entry>> sent, List<SpecificRecord> results) {
        Map<String, PosteriorUpdate> byId = uniqueById(results);
        Map<String, double[]> successesAndFailures = new HashMap<>();
        int expected = 0;
        for (Entry entry : sent.get(0)) {
            if (!(entry.record() instanceof Observation o)) {
                continue;
            }
            expected++;
            double[] counts = successesAndFailures.computeIfAbsent(o.getKey(), k -> new double[2]);
            counts[o.getValue() == 1.0 ? 0 : 1]++;
            PosteriorUpdate update = byId.get(entry.id());
            assertThat(update).as("the posterior update of %s", entry).isNotNull();
            assertThat(update.getKey()).isEqualTo(o.getKey());
            assertThat(update.getN()).as("n of %s", entry.id()).isEqualTo(counts[0] + counts[1]);
            assertThat(update.getParams())
                    .as("closed-form posterior after %s", entry.id())
                    .containsEntry("alpha", 1 + counts[0])
                    .containsEntry("beta", 1 + counts[1]);
        }
        assertThat(byId).as("posterior updates, one per good observation").hasSize(expected);
    }
}
