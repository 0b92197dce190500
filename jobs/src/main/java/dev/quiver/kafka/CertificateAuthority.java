package dev.quiver.kafka;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * A certificate authority that signs the secured broker's certificate and its clients'. Keys are EC
 * P-256 (generated in milliseconds, unlike RSA), signatures SHA256withECDSA, through the JDK's own
 * providers; BouncyCastle only builds the X.509 structures.
 *
 * <p>Subjects are a single common name ({@code CN=name}), which the broker maps to the principal
 * {@code User:name}. Not thread-safe.
 */
final class CertificateAuthority {
    /** A local broker's certificates outlive any demo; nothing renews them. */
    static final Duration VALIDITY = Duration.ofDays(3650);

    /**
     * Clocks of clients a little behind the broker's must not see a certificate from the future.
     */
    private static final Duration BACKDATE = Duration.ofHours(1);

    private static final String SIGNATURE = "SHA256withECDSA";

    private final KeyPair keys;
    private final X509Certificate certificate;
    private final SecureRandom random = new SecureRandom();

    CertificateAuthority(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed CA named {@code CN=commonName}. */
    static CertificateAuthority create(String commonName) {
        KeyPair keys = newKeyPair();
        try {
            X500Name subject = new X500Name("CN=" + commonName);
            X509v3CertificateBuilder builder = builder(subject, subject, keys, new SecureRandom());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(keys, sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create a CA certificate: " + e.getMessage(), e);
        }
    }

    X509Certificate certificate() {
        return certificate;
    }

    PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /**
     * A new key pair and its certificate {@code CN=commonName} signed by this CA, for a TLS server
     * (with {@code alternativeNames}, host names or IP addresses, as subject alternative names) or
     * a client.
     */
    SignedKey issue(String commonName, boolean server, String... alternativeNames) {
        KeyPair leaf = newKeyPair();
        try {
            X509v3CertificateBuilder builder =
                    builder(
                            X500Name.getInstance(
                                    certificate.getSubjectX500Principal().getEncoded()),
                            new X500Name("CN=" + commonName),
                            leaf,
                            random);
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            // The broker is also a client: of its controller and, for transaction markers, of
            // its own inter-broker listener.
            KeyPurposeId[] purposes =
                    server
                            ? new KeyPurposeId[] {
                                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                            }
                            : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    utils.createSubjectKeyIdentifier(leaf.getPublic()));
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    utils.createAuthorityKeyIdentifier(certificate));
            if (alternativeNames.length > 0) {
                GeneralName[] names = new GeneralName[alternativeNames.length];
                for (int i = 0; i < alternativeNames.length; i++) {
                    names[i] =
                            Character.isDigit(alternativeNames[i].charAt(0))
                                            || alternativeNames[i].contains(":")
                                    ? new GeneralName(GeneralName.iPAddress, alternativeNames[i])
                                    : new GeneralName(GeneralName.dNSName, alternativeNames[i]);
                }
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new SignedKey(leaf.getPrivate(), sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException(
                    "cannot issue a certificate for CN=" + commonName + ": " + e.getMessage(), e);
        }
    }

    /** A private key and its certificate. */
    record SignedKey(PrivateKey privateKey, X509Certificate certificate) {}

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair keys, SecureRandom random) {
        Instant now = Instant.now();
        // Positive and 127 bits: unique enough that two CAs' serials never collide.
        BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(
                issuer,
                serial,
                Date.from(now.minus(BACKDATE)),
                Date.from(now.plus(VALIDITY)),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC key: " + e.getMessage(), e);
        }
    }
}
