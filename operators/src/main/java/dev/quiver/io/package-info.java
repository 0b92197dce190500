/**
 * Wire formats of Quiver's Kafka payloads and files: Avro single-object encoding for topics and
 * NDJSON for people.
 *
 * <p>The formats follow the Apache Avro 1.12 specification, section "Single object encoding"
 * (header {@code C3 01}, then the CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical
 * Form, then the binary datum), and the NDJSON specification (ndjson.org, version 1.0: one JSON
 * text per line). Decoders never throw anything but {@link dev.quiver.io.DecodeException} for bad
 * input, whose message is the reason a dead letter carries.
 *
 * <p>Nothing here imports Flink or a kernel: the Flink plumbing around these codecs (the decode
 * function, the dead-letter side output, the Kafka and file sinks, operator metrics) lives in
 * {@code dev.quiver.io.flink}, so the codecs can be tested, and used by the command line, without a
 * cluster.
 */
package dev.quiver.io;
