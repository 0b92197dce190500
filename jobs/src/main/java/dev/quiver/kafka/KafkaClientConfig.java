package dev.quiver.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The user's Kafka client settings: a standard client properties file (what {@code
 * kafka-console-consumer --consumer.config} reads) and {@code KEY=VALUE} pairs given one by one,
 * merged for every client Quiver opens (job sources and sinks, admin clients, the CLI's producers
 * and consumers). Security settings ({@code security.protocol=SASL_SSL}, {@code sasl.*}, {@code
 * ssl.*}) and Kafka's config providers ({@code ${env:NAME}}, {@code ${file:PATH:KEY}}) flow through
 * untouched: each client resolves them itself, so the resolved secret never passes through Quiver.
 *
 * <p>Precedence, lowest first: Quiver's defaults for a client (timeouts, client ids), the file,
 * the pairs in the order given, then the settings Quiver relies on ({@link #quiverOwned()}), which
 * no one may set: trying is an {@link IllegalArgumentException} naming the key. {@code
 * bootstrap.servers} is the one exception to "later wins": an explicit {@code --bootstrap} beats
 * the file's (see {@link #bootstrap(String)}).
 *
 * <p>A secret given as a pair (a key Kafka types as a password, or one whose name says password,
 * secret or JAAS) is refused unless its value is a config-provider reference: a command line is
 * visible in process lists, Flink's job submission and Kubernetes specs. Nothing here ever puts a
 * value into a message or {@link #toString()}; only keys are named.
 *
 * <pre>{@code
 * KafkaClientConfig client =
 *         KafkaClientConfig.of(Path.of("client.properties"), List.of("client.id=quiver-prod"));
 * Properties props =
 *         client.clientProperties("kafka:9093", Map.of("request.timeout.ms", "10000"),
 *                 Map.of("isolation.level", "read_committed"));
 * }</pre>
 */
public final class KafkaClientConfig {

    /** The key of the bootstrap servers in every client's configuration. */
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";

    /** Settings Quiver's clients rely on, with why: what a refusal tells the user. */
    private static final Map<String, String> QUIVER_OWNED = quiverOwnedSettings();

    private static final Set<String> PASSWORD_KEYS = passwordKeys();

    private static final KafkaClientConfig NONE = new KafkaClientConfig(Map.of());

    private final Map<String, String> settings;

    private KafkaClientConfig(Map<String, String> settings) {
        this.settings = Collections.unmodifiableMap(settings);
    }

    /** No user settings: Quiver's defaults and required settings alone. */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /**
     * The settings of {@code file} (null for none) overridden by {@code pairs} ({@code KEY=VALUE},
     * later ones winning).
     *
     * @throws IllegalArgumentException on one line naming the file or key at fault: an unreadable
     *     file, a pair without {@code =} or key, a key Quiver sets itself, a secret given as a pair
     */
    public static KafkaClientConfig of(Path file, List<String> pairs) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (file != null) {
            Properties loaded;
            try {
                loaded = Utils.loadProps(file.toString());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "cannot read --kafka-config " + file + ": " + KafkaTopics.oneLine(e), e);
            }
            for (String key : loaded.stringPropertyNames()) {
                refuseQuiverOwned(key, "--kafka-config " + file + " sets ");
                merged.put(key, loaded.getProperty(key));
            }
        }
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? "" : pair.substring(0, equals).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException(
                        "--kafka-property takes KEY=VALUE, got one without "
                                + (equals < 0 ? "'='" : "a key"));
            }
            String value = pair.substring(equals + 1);
            refuseQuiverOwned(key, "--kafka-property ");
            if (isSecret(key) && !isProviderReference(value)) {
                throw new IllegalArgumentException(
                        "--kafka-property "
                                + key
                                + " is a secret, and a command line is visible to others: put it"
                                + " in --kafka-config, or give a config provider reference such"
                                + " as ${env:NAME} or ${file:PATH:KEY}");
            }
            merged.put(key, value);
        }
        return new KafkaClientConfig(merged);
    }

    private static void refuseQuiverOwned(String key, String where) {
        String why = QUIVER_OWNED.get(key);
        if (why != null) {
            throw new IllegalArgumentException(
                    where + key + ", which Quiver sets itself: " + why);
        }
    }

    /**
     * True when {@code key} holds a secret: Kafka types it as a password ({@code
     * ssl.keystore.password}, {@code sasl.jaas.config}, ...), or its name says so.
     */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return PASSWORD_KEYS.contains(key)
                || lower.contains("password")
                || lower.contains("secret")
                || lower.contains("jaas");
    }

    /** True when the whole value is one config-provider reference, {@code ${provider:...}}. */
    public static boolean isProviderReference(String value) {
        String stripped = value.strip();
        return stripped.matches("\\$\\{[^}:]+:[^}]*}");
    }

    /**
     * The bootstrap servers: {@code given} (an explicit {@code --bootstrap}) when not null, else the
     * file's or the pairs' {@code bootstrap.servers}, else null.
     */
    public String bootstrap(String given) {
        return given != null ? given : settings.get(BOOTSTRAP_SERVERS);
    }

    /** The keys the user set, in the order set (values are never exposed as text). */
    public Set<String> keys() {
        return settings.keySet();
    }

    /**
     * The properties of one client: {@code defaults}, then the user's settings, then {@code
     * required} and {@code bootstrap}.
     */
    public Properties clientProperties(
            String bootstrap, Map<String, ?> defaults, Map<String, ?> required) {
        Properties props = new Properties();
        props.putAll(defaults);
        props.putAll(settings);
        props.putAll(required);
        props.put(BOOTSTRAP_SERVERS, bootstrap);
        return props;
    }

    /** The keys no user may set, each with the reason: for the docs and tests. */
    public static Map<String, String> quiverOwned() {
        return QUIVER_OWNED;
    }

    /** Names the keys only: a value may be a secret. */
    @Override
    public String toString() {
        return "Kafka client settings " + settings.keySet();
    }

    private static Map<String, String> quiverOwnedSettings() {
        String bytes = "records are bytes that Quiver encodes and decodes itself";
        String exactlyOnce = "the exactly-once sinks and idempotent producers need it";
        Map<String, String> owned = new LinkedHashMap<>();
        owned.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "its consumers read committed records only (read_committed)");
        owned.put(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "offsets are committed with Flink's checkpoints");
        owned.put(ConsumerConfig.GROUP_ID_CONFIG, "give --group-id");
        owned.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, bytes);
        owned.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, bytes);
        owned.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, bytes);
        owned.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, bytes);
        owned.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, exactlyOnce);
        owned.put(ProducerConfig.ACKS_CONFIG, exactlyOnce);
        owned.put(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "the exactly-once sinks name their transactions after --group-id and the topic");
        owned.put(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                "the exactly-once sinks keep transactions open 10 minutes, below the broker's"
                        + " default maximum of 15");
        return Collections.unmodifiableMap(owned);
    }

    private static Set<String> passwordKeys() {
        return Stream.of(
                        ConsumerConfig.configDef(),
                        ProducerConfig.configDef(),
                        AdminClientConfig.configDef())
                .flatMap(def -> def.configKeys().values().stream())
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .map(key -> key.name)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
