package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.io.NdjsonCodec;
import dev.quiver.schema.Observation;
import dev.quiver.schema.WalkSummary;
import dev.quiver.walk.WalkModel;
import dev.quiver.walk.WalkSpec;

import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The walk job asked for {@value #PATHS} Gaussian paths of one step: within {@code --max-work}, but
 * 80 MB of final positions in memory, more than the child's whole heap (an out-of-memory error that
 * ended the job before walks were held to a memory budget). Past its budget the walk must run in
 * passes, within the heap, and give the summary the kernel computes in memory here, bit for bit.
 */
final class WalkInPassesUnderHostility extends HostileJob {

    private static final int PATHS = 10_000_000;
    private static final long SEED = 5;

    WalkInPassesUnderHostility() {
        super("walk", "--walks-topic", WalkSummary.class, "id");
    }

    @Override
    List<Input> inputs() {
        return List.of(ObservationJob.OBSERVATIONS);
    }

    @Override
    List<String> options() {
        return List.of(
                "--model",
                "gaussian",
                "--paths",
                String.valueOf(PATHS),
                "--steps",
                "1",
                "--seed",
                String.valueOf(SEED));
    }

    @Override
    List<Entry> entries(Input input, Format format, SplittableRandom random) {
        NdjsonCodec<Observation> codec = NdjsonCodec.of(Observation.class);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Observation o =
                    Observation.newBuilder()
                            .setId("m" + i)
                            .setKey("k" + i)
                            .setTs(Instant.ofEpochMilli(1_700_000_000_000L + i))
                            .setValue(random.nextInt(-50, 51))
                            .build();
            entries.add(
                    Entry.result(
                            "walk past its memory budget",
                            o.getId(),
                            codec.encode(o).getBytes(UTF_8),
                            o));
        }
        return entries;
    }

    @Override
    void checkResults(List<List<Entry>> sent, List<SpecificRecord> results) {
        WalkSpec spec =
                new WalkSpec(WalkModel.gaussian(0, 1), 1, PATHS, Double.NaN, WalkSpec.Track.FINAL);
        WalkUnderHostility.assertSummariesAreTheKernels(
                sent.get(0), uniqueById(results), spec, SEED);
    }
}
