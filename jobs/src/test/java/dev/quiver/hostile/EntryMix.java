package dev.quiver.hostile;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.quiver.hostile.HostileJob.Format;
import dev.quiver.io.AvroSingleObjectCodec;
import dev.quiver.io.DecodeException;
import dev.quiver.io.NdjsonCodec;

import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The records of one input in one format: good ones, the job's semantic cases (records that decode
 * but which the job must judge), and the format's undecodable ones, interleaved at random with the
 * good ones kept in order and first.
 *
 * <pre>{@code
 * EntryMix<Observation> mix = new EntryMix<>(RecordShape.OBSERVATION, Format.AVRO, id -> valid(id));
 * mix.good("g0", observation);
 * mix.semantic("NaN", Map.of("value", "NaN"), "needs value 0 or 1");
 * mix.undecodable(random);
 * List<Entry> entries = mix.interleaved(random);
 * }</pre>
 */
final class EntryMix<T extends SpecificRecord> {

    private final RecordShape<T> shape;
    private final Format format;
    private final NdjsonCodec<T> ndjson;
    private final AvroSingleObjectCodec<T> avro;
    private final Function<String, T> valid;
    private final List<Entry> goods = new ArrayList<>();
    private final List<Entry> others = new ArrayList<>();
    private int semanticCount;

    /**
     * @param valid a valid record with the given id, which the hostile cases are made from
     */
    EntryMix(RecordShape<T> shape, Format format, Function<String, T> valid) {
        this.shape = shape;
        this.format = format;
        this.valid = valid;
        this.ndjson = NdjsonCodec.of(shape.type());
        this.avro = AvroSingleObjectCodec.of(shape.type());
    }

    /** A valid record, which must get its result. */
    void good(String id, T record) {
        String line = ndjson.encode(record);
        goods.add(Entry.result("good", id, bytes(line, record), decode(line)));
    }

    /**
     * A valid record with fields replaced by raw JSON text (the same record in Avro); it decodes,
     * and then is a dead letter whose reason contains {@code reason}, or, when that is null, gets
     * its result. Its id is {@code s0}, {@code s1}, ... in the order added.
     */
    void semantic(String kind, Map<String, String> rawByField, String reason) {
        String id = "s" + semanticCount++;
        String line = JsonLines.with(ndjson.encode(valid.apply(id)), rawByField);
        T record = decode(line);
        byte[] bytes = bytes(line, record);
        others.add(
                reason == null
                        ? Entry.result(kind, id, bytes, record)
                        : Entry.deadLetter(kind, id, bytes, reason));
    }

    /** The format's undecodable records, strings that are not UTF-8 among them. */
    void undecodable(SplittableRandom random) {
        int max = HostileJob.MAX_RECORD_BYTES;
        T template = valid.apply("template");
        if (format == Format.NDJSON) {
            others.addAll(NdjsonHostility.cases(shape, ndjson.encode(template), random, max));
            others.addAll(
                    Utf8Hostility.ndjson(shape, id -> ndjson.encode(valid.apply(id)), random));
        } else {
            others.addAll(AvroHostility.cases(shape, template, random, max));
            others.addAll(Utf8Hostility.avro(shape, valid));
        }
    }

    /** Every entry: the first good one first, the others at random among the good ones. */
    List<Entry> interleaved(SplittableRandom random) {
        record Placed(double at, Entry entry) {}
        List<Placed> placed = new ArrayList<>();
        double[] goodPlaces = random.doubles(goods.size() - 1).sorted().toArray();
        for (int i = 1; i < goods.size(); i++) {
            placed.add(new Placed(goodPlaces[i - 1], goods.get(i)));
        }
        for (Entry other : others) {
            placed.add(new Placed(random.nextDouble(), other));
        }
        placed.sort(Comparator.comparingDouble(Placed::at));
        List<Entry> entries = new ArrayList<>();
        entries.add(goods.get(0));
        placed.forEach(p -> entries.add(p.entry()));
        return entries;
    }

    private byte[] bytes(String line, T record) {
        return format == Format.NDJSON ? line.getBytes(UTF_8) : avro.encode(record);
    }

    private T decode(String line) {
        try {
            return ndjson.decode(line);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("a case that must decode does not: " + line, e);
        }
    }
}
