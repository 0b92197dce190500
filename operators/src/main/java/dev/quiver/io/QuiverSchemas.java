package dev.quiver.io;

import dev.quiver.schema.DeadLetter;
import dev.quiver.schema.MatchResult;
import dev.quiver.schema.ModelUpdate;
import dev.quiver.schema.Observation;
import dev.quiver.schema.PosteriorUpdate;
import dev.quiver.schema.QueryEvent;
import dev.quiver.schema.Score;
import dev.quiver.schema.VectorEvent;
import dev.quiver.schema.WalkSummary;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All of Quiver's record types and every schema version ever shipped.
 *
 * <p>A schema change must keep old messages readable: when a record type's schema changes, copy the
 * schema as it was before the change into a resource file and list that file in {@value
 * #HISTORY_RESOURCE}. Every resource of that name on the classpath is read (one resource path per
 * line, {@code #} starts a comment), so a test jar can add versions of its own. Each listed schema
 * must be self-contained, name one of the {@link #recordTypes() record types}, and be readable by
 * that type's current schema (checked when the history is first loaded; a bad entry fails with an
 * {@link IllegalStateException} naming the file, not per event).
 *
 * <pre>{@code
 * for (Class<? extends SpecificRecord> type : QuiverSchemas.recordTypes()) {
 *   List<Schema> older = QuiverSchemas.history(type);   // what AvroSingleObjectCodec also accepts
 * }
 * SpecificRecord any = QuiverSchemas.decodeAny(bytes);    // an Observation, a Score, ...
 * String line = NdjsonCodec.encodeAny(any);
 * }</pre>
 *
 * <p>Thread-safe. The history is loaded once, on first use, with this class's class loader: the
 * history files ship in the same jar as the code that reads them.
 */
public final class QuiverSchemas {
    /** Name of the classpath resources that list older schema versions. */
    public static final String HISTORY_RESOURCE = "META-INF/quiver/schema-history.txt";

    private static final List<Class<? extends SpecificRecord>> RECORD_TYPES =
            List.of(
                    VectorEvent.class,
                    QueryEvent.class,
                    Observation.class,
                    PosteriorUpdate.class,
                    MatchResult.class,
                    WalkSummary.class,
                    Score.class,
                    ModelUpdate.class,
                    DeadLetter.class);

    private static volatile Registry registry;

    private static final Map<Class<? extends SpecificRecord>, AvroSingleObjectCodec<?>> CODECS =
            new ConcurrentHashMap<>();

    private QuiverSchemas() {}

    /** The nine top-level record types, in a fixed order. */
    public static List<Class<? extends SpecificRecord>> recordTypes() {
        return RECORD_TYPES;
    }

    /**
     * The older writer schemas that readers of {@code type} accept, in the order they are listed;
     * empty when the schema never changed. The current schema is not included.
     *
     * @throws IllegalStateException if a history file is unreadable or lists a bad schema
     */
    public static List<Schema> history(Class<? extends SpecificRecord> type) {
        return registry()
                .history
                .getOrDefault(SpecificData.get().getSchema(type).getFullName(), List.of());
    }

    /**
     * Decodes a single-object message of any Quiver type, picked by the fingerprint of its writer
     * schema, current or historic. Meant for tools such as {@code quiver consume}; jobs know their
     * type and use {@link AvroSingleObjectCodec}. Messages are limited to {@link
     * AvroSingleObjectCodec#DEFAULT_MAX_BYTES}.
     *
     * @throws DecodeException if the bytes are not a message of one of the {@link #recordTypes()}
     */
    public static SpecificRecord decodeAny(byte[] singleObjectBytes) throws DecodeException {
        long fingerprint =
                SingleObjectFormat.readFingerprint(
                        singleObjectBytes, AvroSingleObjectCodec.DEFAULT_MAX_BYTES);
        Class<? extends SpecificRecord> type = typeOf(fingerprint);
        if (type == null) {
            throw new DecodeException(
                    "unknown schema fingerprint "
                            + SingleObjectFormat.hex(fingerprint)
                            + ", not one of Quiver's record types");
        }
        return CODECS.computeIfAbsent(type, AvroSingleObjectCodec::of).decode(singleObjectBytes);
    }

    /** The Quiver type whose current or historic schema has this fingerprint, or null. */
    static Class<? extends SpecificRecord> typeOf(long fingerprint) {
        return registry().typeByFingerprint.get(fingerprint);
    }

    /**
     * The model that both codecs build a type's machinery from. The class's own model carries its
     * logical-type conversions (timestamp-millis -> Instant).
     *
     * @throws IllegalArgumentException if {@code type} is not a generated Avro record class
     */
    static SpecificData generatedModel(Class<?> type) {
        if (!SpecificRecordBase.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(
                    type.getName() + " is not a generated Avro record class (SpecificRecordBase)");
        }
        return SpecificData.getForClass(type);
    }

    private static Registry registry() {
        Registry r = registry;
        if (r == null) {
            synchronized (QuiverSchemas.class) {
                r = registry;
                if (r == null) {
                    // Not a static initializer: a bad history file then fails with its own message
                    // on
                    // every call instead of a NoClassDefFoundError after the first.
                    r = Registry.load(QuiverSchemas.class.getClassLoader());
                    registry = r;
                }
            }
        }
        return r;
    }

    /** Loaded history: schemas by full type name and Quiver types by fingerprint. */
    static final class Registry {
        final Map<String, List<Schema>> history;
        final Map<Long, Class<? extends SpecificRecord>> typeByFingerprint;

        private Registry(
                Map<String, List<Schema>> history,
                Map<Long, Class<? extends SpecificRecord>> typeByFingerprint) {
            this.history = history;
            this.typeByFingerprint = typeByFingerprint;
        }

        static Registry load(ClassLoader loader) {
            Map<String, Schema> current = new LinkedHashMap<>();
            Map<Long, Class<? extends SpecificRecord>> byFingerprint = new HashMap<>();
            for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
                Schema schema = SpecificData.get().getSchema(type);
                current.put(schema.getFullName(), schema);
                byFingerprint.put(SingleObjectFormat.fingerprint(schema), type);
            }

            Map<String, List<Schema>> history = new HashMap<>();
            for (String path : listedPaths(loader)) {
                Schema old = parse(loader, path);
                Schema now = current.get(old.getFullName());
                if (now == null) {
                    throw new IllegalStateException(
                            HISTORY_RESOURCE
                                    + " lists "
                                    + path
                                    + ", a schema of "
                                    + old.getFullName()
                                    + ", which is not one of Quiver's record types "
                                    + current.keySet());
                }
                long fingerprint = SingleObjectFormat.fingerprint(old);
                if (byFingerprint.containsKey(fingerprint)) {
                    // Listed twice, or equal to the current schema up to docs and defaults.
                    continue;
                }
                SchemaCompatibility.SchemaPairCompatibility compatibility =
                        SchemaCompatibility.checkReaderWriterCompatibility(now, old);
                if (compatibility.getType()
                        != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                    throw new IllegalStateException(
                            HISTORY_RESOURCE
                                    + " lists "
                                    + path
                                    + ", which the current schema of "
                                    + old.getFullName()
                                    + " cannot read: "
                                    + compatibility.getDescription());
                }
                byFingerprint.put(fingerprint, typeFor(old.getFullName()));
                history.computeIfAbsent(old.getFullName(), k -> new ArrayList<>()).add(old);
            }
            Map<String, List<Schema>> frozen = new HashMap<>();
            history.forEach((name, schemas) -> frozen.put(name, List.copyOf(schemas)));
            return new Registry(Map.copyOf(frozen), Map.copyOf(byFingerprint));
        }

        private static Class<? extends SpecificRecord> typeFor(String fullName) {
            for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
                if (type.getName().equals(fullName)) {
                    return type;
                }
            }
            throw new AssertionError("no record type " + fullName);
        }

        /** Every path listed in every history resource, each once, in classpath order. */
        private static Set<String> listedPaths(ClassLoader loader) {
            Set<String> paths = new LinkedHashSet<>();
            try {
                Enumeration<URL> lists = loader.getResources(HISTORY_RESOURCE);
                for (URL list : Collections.list(lists)) {
                    try (BufferedReader reader =
                            new BufferedReader(
                                    new InputStreamReader(
                                            list.openStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            int comment = line.indexOf('#');
                            String path =
                                    (comment >= 0 ? line.substring(0, comment) : line).strip();
                            if (!path.isEmpty()) {
                                paths.add(path.startsWith("/") ? path.substring(1) : path);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + HISTORY_RESOURCE, e);
            }
            return paths;
        }

        private static Schema parse(ClassLoader loader, String path) {
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException(
                            HISTORY_RESOURCE
                                    + " lists "
                                    + path
                                    + ", which is not on the classpath");
                }
                // A fresh parser per file: each historic schema must stand alone, and names defined
                // in
                // one version must not leak into another.
                return new Schema.Parser().parse(in);
            } catch (IOException | SchemaParseException e) {
                throw new IllegalStateException(
                        HISTORY_RESOURCE
                                + " lists "
                                + path
                                + ", which is not a valid Avro schema: "
                                + e.getMessage(),
                        e);
            }
        }
    }
}
