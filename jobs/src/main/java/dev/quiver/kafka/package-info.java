/**
 * Kafka plumbing for local runs and tests: a real single-node KRaft broker in this JVM ({@link
 * dev.quiver.kafka.EmbeddedKafkaBroker}), optionally secured with SASL_SSL (SCRAM-SHA-512), mutual
 * TLS and ACLs ({@link dev.quiver.kafka.BrokerSecurity}) over a CA it makes in its data directory
 * ({@link dev.quiver.kafka.BrokerTls}), and small admin helpers ({@link
 * dev.quiver.kafka.KafkaTopics}).
 *
 * <p>The broker is Apache Kafka's own server ({@code kafka.server.KafkaRaftServer}) in combined
 * broker+controller mode, as described in KIP-500 / KIP-631 (the KRaft quorum controller), not a
 * mock: transactions, consumer groups, log recovery, SCRAM (RFC 5802, RFC 7677) and the
 * StandardAuthorizer (KIP-801) behave as in production. Its artifacts, and BouncyCastle, which
 * builds the secured broker's certificates, are left out of the shaded job jar; a cluster talks to
 * its own Kafka.
 */
package dev.quiver.kafka;
