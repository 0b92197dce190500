package dev.quiver.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The TLS material of a secured broker, kept in its data directory: a CA made at first start and
 * reused after, the broker's certificate, a truststore for clients, and client certificates for
 * mutual TLS issued on demand.
 *
 * <p>The files, all beside Kafka's own in the data directory (Kafka ignores plain files there, but
 * not directories):
 *
 * <table>
 *   <caption>Files in the data directory</caption>
 *   <tr><th>file</th><th>holds</th><th>mode</th></tr>
 *   <tr><td>{@code tls-secrets.properties}</td><td>the passwords of the PKCS12 files</td>
 *       <td>owner only</td></tr>
 *   <tr><td>{@code tls-ca.p12}</td><td>the CA's key and certificate</td><td>owner only</td></tr>
 *   <tr><td>{@code tls-broker.p12}</td><td>the broker's key and certificate
 *       ({@code CN=quiver-broker}, for {@code localhost}, {@code 127.0.0.1}, {@code ::1})</td>
 *       <td>owner only</td></tr>
 *   <tr><td>{@code tls-truststore.p12}</td><td>the CA certificate, for Java clients</td>
 *       <td>default</td></tr>
 *   <tr><td>{@code tls-ca.pem}</td><td>the CA certificate, for other clients</td>
 *       <td>default</td></tr>
 *   <tr><td>{@code client-ssl.properties}</td><td>client settings for the SASL_SSL port, without
 *       a user</td><td>default</td></tr>
 *   <tr><td>{@code tls-client-NAME.p12}, {@code tls-client-NAME.properties}</td><td>a client
 *       certificate and the settings to use it</td><td>owner only</td></tr>
 * </table>
 *
 * <p>The truststore's password guards only the integrity of a public certificate, so it is written
 * into {@code client-ssl.properties}; the other passwords never leave the owner-only files and are
 * never logged. A certificate {@code CN=name} is the principal {@code User:name}; the broker's own,
 * {@code User:quiver-broker}, is its super user, so that name is refused for clients and users.
 *
 * <pre>{@code
 * BrokerTls tls = BrokerTls.inDataDir(Path.of("/var/lib/quiver/kafka"));  // created or reused
 * Path truststore = tls.truststore();                                       // tls-truststore.p12
 * BrokerTls.ClientCertificate alice = tls.issueClientCertificate("alice");
 * Properties client = BrokerTls.readProperties(alice.properties());      // security.protocol=SSL
 * }</pre>
 *
 * <p>Not thread-safe; a data directory must not be created by two processes at once.
 */
public final class BrokerTls {
    /** The broker's certificate name, and so its principal {@code User:quiver-broker}. */
    public static final String BROKER_NAME = "quiver-broker";

    static final String SECRETS_FILE = "tls-secrets.properties";
    static final String CA_FILE = "tls-ca.p12";
    static final String BROKER_FILE = "tls-broker.p12";
    static final String TRUSTSTORE_FILE = "tls-truststore.p12";
    static final String CA_PEM_FILE = "tls-ca.pem";
    static final String CLIENT_SSL_FILE = "client-ssl.properties";

    private static final String CA_NAME = "quiver-local-ca";
    private static final String KEY_ALIAS = "key";
    private static final String CA_ALIAS = "quiver-ca";
    private static final String PKCS12 = "PKCS12";
    private static final String[] BROKER_HOSTS = {"localhost", "127.0.0.1", "::1"};

    private final Path dataDir;
    private final CertificateAuthority authority;
    private final Properties secrets;

    private BrokerTls(Path dataDir, CertificateAuthority authority, Properties secrets) {
        this.dataDir = dataDir;
        this.authority = authority;
        this.secrets = secrets;
    }

    /**
     * The TLS files of {@code dataDir}: read if the CA, the broker's keystore and the passwords are
     * there, otherwise all made anew. The truststore, the CA's PEM file and {@code
     * client-ssl.properties} are written again either way, so a deleted one comes back.
     *
     * @throws IllegalStateException with one line naming the file if one cannot be read or written
     */
    public static BrokerTls inDataDir(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        OwnerOnlyFiles.createDirectories(dir);
        boolean complete =
                Files.exists(dir.resolve(SECRETS_FILE))
                        && Files.exists(dir.resolve(CA_FILE))
                        && Files.exists(dir.resolve(BROKER_FILE));
        BrokerTls tls = complete ? load(dir) : create(dir);
        tls.writePublicFiles();
        return tls;
    }

    /** A client certificate and the client settings to connect with it. */
    public record ClientCertificate(String principal, Path keystore, Path properties) {}

    /**
     * Issues a certificate {@code CN=name} signed by this CA, for the principal {@code User:name},
     * and writes it with its key to {@code tls-client-NAME.p12}, and the client settings for the
     * mutual-TLS port ({@code security.protocol=SSL}, truststore, keystore and their passwords) to
     * {@code tls-client-NAME.properties}, both owner only. Issuing a name again replaces both.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid principal name or is {@link
     *     #BROKER_NAME}
     */
    public ClientCertificate issueClientCertificate(String name) {
        PrincipalNames.check(name, "client certificate name");
        CertificateAuthority.SignedKey signed = authority.issue(name, false);
        String password = newPassword();
        Path keystore = dataDir.resolve("tls-client-" + name + ".p12");
        OwnerOnlyFiles.write(keystore, keystoreBytes(signed, password), true);
        Map<String, String> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.putAll(truststoreConfig());
        config.putAll(keystoreConfig(keystore, password));
        Path properties = dataDir.resolve("tls-client-" + name + ".properties");
        OwnerOnlyFiles.write(
                properties,
                propertiesBytes(config, "mutual TLS as User:" + name + "; keep it private"),
                true);
        return new ClientCertificate("User:" + name, keystore, properties);
    }

    /**
     * Returns {@code name} if it can name a client certificate (and a SCRAM user): 1 to 64 letters,
     * digits, '.', '_' or '-', starting with a letter or digit, and not {@link #BROKER_NAME}.
     *
     * @throws IllegalArgumentException with one line saying why not
     */
    public static String checkClientName(String name) {
        return PrincipalNames.check(name, "client certificate name");
    }

    /** {@code tls-truststore.p12}: the CA certificate, PKCS12; its password is in client files. */
    public Path truststore() {
        return dataDir.resolve(TRUSTSTORE_FILE);
    }

    /** {@code tls-ca.pem}: the CA certificate in PEM, for clients that are not Java. */
    public Path caPem() {
        return dataDir.resolve(CA_PEM_FILE);
    }

    /**
     * {@code client-ssl.properties}: {@code security.protocol=SASL_SSL}, SCRAM-SHA-512 and the
     * truststore; a client adds its {@code sasl.jaas.config} line (a commented template is there).
     */
    public Path clientSslProperties() {
        return dataDir.resolve(CLIENT_SSL_FILE);
    }

    /** Reads a properties file, e.g. one this class wrote for a client. */
    public static Properties readProperties(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return props;
    }

    /** The broker's listener settings: its keystore as server (and client) key, the truststore. */
    Map<String, String> brokerSslConfig() {
        Map<String, String> config = new LinkedHashMap<>(truststoreConfig());
        config.putAll(
                keystoreConfig(
                        dataDir.resolve(BROKER_FILE), secrets.getProperty("broker.password")));
        return config;
    }

    /**
     * Client settings that connect to the mutual-TLS port as the broker itself, the super user: how
     * the broker applies its users and ACLs, and how tests create topics.
     */
    Map<String, Object> superUserClientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.putAll(brokerSslConfig());
        return config;
    }

    private Map<String, String> truststoreConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, PKCS12);
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore().toString());
        config.put(
                SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG,
                secrets.getProperty("truststore.password"));
        return config;
    }

    private static Map<String, String> keystoreConfig(Path keystore, String password) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, PKCS12);
        config.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.toString());
        config.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password);
        config.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, password);
        return config;
    }

    private static BrokerTls create(Path dir) {
        CertificateAuthority authority = CertificateAuthority.create(CA_NAME);
        CertificateAuthority.SignedKey broker = authority.issue(BROKER_NAME, true, BROKER_HOSTS);
        Properties secrets = new Properties();
        secrets.setProperty("ca.password", newPassword());
        secrets.setProperty("broker.password", newPassword());
        secrets.setProperty("truststore.password", newPassword());
        CertificateAuthority.SignedKey ca =
                new CertificateAuthority.SignedKey(authority.privateKey(), authority.certificate());
        OwnerOnlyFiles.write(
                dir.resolve(CA_FILE), keystoreBytes(ca, secrets.getProperty("ca.password")), true);
        OwnerOnlyFiles.write(
                dir.resolve(BROKER_FILE),
                keystoreBytes(broker, secrets.getProperty("broker.password")),
                true);
        // Last: its presence marks the set as complete, so a start cut short makes a new set.
        OwnerOnlyFiles.write(
                dir.resolve(SECRETS_FILE),
                propertiesBytes(secrets, "passwords of the broker's PKCS12 files; keep private"),
                true);
        return new BrokerTls(dir, authority, secrets);
    }

    private static BrokerTls load(Path dir) {
        Properties secrets = readProperties(dir.resolve(SECRETS_FILE));
        for (String key : new String[] {"ca.password", "broker.password", "truststore.password"}) {
            if (secrets.getProperty(key) == null) {
                throw new IllegalStateException(
                        "cannot read the broker's TLS files: "
                                + dir.resolve(SECRETS_FILE)
                                + " has no "
                                + key
                                + "; delete the tls-* files of "
                                + dir
                                + " to make new ones");
            }
        }
        Path file = dir.resolve(CA_FILE);
        char[] password = secrets.getProperty("ca.password").toCharArray();
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(PKCS12);
            store.load(in, password);
            PrivateKey key = (PrivateKey) store.getKey(KEY_ALIAS, password);
            X509Certificate certificate = (X509Certificate) store.getCertificate(KEY_ALIAS);
            if (key == null || certificate == null) {
                throw new IllegalStateException("cannot read " + file + ": no key " + KEY_ALIAS);
            }
            CertificateAuthority authority =
                    new CertificateAuthority(
                            new KeyPair(certificate.getPublicKey(), key), certificate);
            return new BrokerTls(dir, authority, secrets);
        } catch (IOException | GeneralSecurityException e) {
            // The message of a wrong password names no password, only the failed integrity check.
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void writePublicFiles() {
        X509Certificate ca = authority.certificate();
        try {
            KeyStore trust = KeyStore.getInstance(PKCS12);
            trust.load(null, null);
            trust.setCertificateEntry(CA_ALIAS, ca);
            OwnerOnlyFiles.write(
                    truststore(),
                    storeBytes(trust, secrets.getProperty("truststore.password")),
                    false);
            String pem =
                    "-----BEGIN CERTIFICATE-----\n"
                            + Base64.getMimeEncoder(64, new byte[] {'\n'})
                                    .encodeToString(ca.getEncoded())
                            + "\n-----END CERTIFICATE-----\n";
            OwnerOnlyFiles.write(caPem(), pem.getBytes(StandardCharsets.US_ASCII), false);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(
                    "cannot write the truststore in " + dataDir + ": " + e.getMessage(), e);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put("sasl.mechanism", "SCRAM-SHA-512");
        config.putAll(truststoreConfig());
        String template =
                "SASL_SSL client settings of the quiver broker in "
                        + dataDir
                        + ". Add your user's line:\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"NAME\" password=\"PASSWORD\";";
        OwnerOnlyFiles.write(clientSslProperties(), propertiesBytes(config, template), false);
    }

    private static byte[] keystoreBytes(CertificateAuthority.SignedKey signed, String password) {
        try {
            KeyStore store = KeyStore.getInstance(PKCS12);
            store.load(null, null);
            store.setKeyEntry(
                    KEY_ALIAS,
                    signed.privateKey(),
                    password.toCharArray(),
                    new Certificate[] {signed.certificate()});
            return storeBytes(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a PKCS12 keystore: " + e.getMessage(), e);
        }
    }

    private static byte[] storeBytes(KeyStore store, String password)
            throws GeneralSecurityException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.store(bytes, password.toCharArray());
        return bytes.toByteArray();
    }

    private static byte[] propertiesBytes(Map<?, ?> entries, String comment) {
        Properties props = new Properties();
        props.putAll(entries);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = bytes) {
            props.store(out, comment);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** 144 random bits, URL-safe Base64: nothing a properties file or a shell must escape. */
    private static String newPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
