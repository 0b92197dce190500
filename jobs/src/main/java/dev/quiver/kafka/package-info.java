/**
 * Kafka plumbing for local runs and tests: a real single-node KRaft broker in this JVM ({@link
 * dev.quiver.kafka.EmbeddedKafkaBroker}) and small admin helpers ({@link
 * dev.quiver.kafka.KafkaTopics}).
 *
 * <p>The broker is Apache Kafka's own server ({@code kafka.server.KafkaRaftServer}) in combined
 * broker+controller mode, as described in KIP-500 / KIP-631 (the KRaft quorum controller), not a
 * mock: transactions, consumer groups and log recovery behave as in production. Its artifacts are
 * left out of the shaded job jar; a cluster talks to its own Kafka.
 */
package dev.quiver.kafka;
