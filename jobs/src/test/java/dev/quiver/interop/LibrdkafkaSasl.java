package dev.quiver.interop;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SASL mechanism librdkafka's clients (confluent_kafka, kcat) log in with on a Kafka 4 broker:
 * SCRAM-SHA-512 where every one of them runs librdkafka {@value #FIRST_GOOD_SCRAM} or later,
 * PLAIN otherwise. Earlier librdkafka sends a SCRAM client nonce that Kafka 4 refuses, so every
 * SCRAM login fails as "invalid credentials" however right the password (fixed in 2.6.1; Debian 12
 * has 2.0.2).
 *
 * <pre>{@code
 * LibrdkafkaSasl sasl = LibrdkafkaSasl.choose(Map.of("confluent_kafka", "2.0.2", "kcat", "2.0.2"));
 * sasl.mechanism();   // "PLAIN"
 * sasl.why();         // "confluent_kafka has librdkafka 2.0.2, kcat ...: PLAIN, since ..."
 * }</pre>
 *
 * @param mechanism the value of {@code sasl.mechanism}
 * @param why which versions chose it, for the test's log
 */
public record LibrdkafkaSasl(String mechanism, String why) {

    /** The first librdkafka whose SCRAM logins Kafka 4 accepts. */
    static final String FIRST_GOOD_SCRAM = "2.6.1";

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** The mechanism for clients with these librdkafka versions, by client name. */
    public static LibrdkafkaSasl choose(Map<String, String> versions) {
        StringBuilder which = new StringBuilder();
        boolean scram = true;
        for (Map.Entry<String, String> client : versions.entrySet()) {
            which.append(which.isEmpty() ? "" : ", ")
                    .append(client.getKey())
                    .append(" has librdkafka ")
                    .append(client.getValue());
            scram &= scramWorks(client.getValue());
        }
        return scram
                ? new LibrdkafkaSasl(
                        "SCRAM-SHA-512",
                        which + ": SCRAM-SHA-512, all at " + FIRST_GOOD_SCRAM + " or later")
                : new LibrdkafkaSasl(
                        "PLAIN",
                        which
                                + ": PLAIN over TLS, since librdkafka before "
                                + FIRST_GOOD_SCRAM
                                + " fails every SCRAM login to Kafka 4 (client nonce bug)");
    }

    /** Whether librdkafka {@code version} ("2.0.2", "2.6.1-RC2") logs in with SCRAM to Kafka 4. */
    static boolean scramWorks(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not a librdkafka version: " + version);
        }
        int[] have = {part(m, 1), part(m, 2), part(m, 3)};
        int[] need = {2, 6, 1};
        for (int i = 0; i < need.length; i++) {
            if (have[i] != need[i]) {
                return have[i] > need[i];
            }
        }
        return true;
    }

    private static int part(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }
}
