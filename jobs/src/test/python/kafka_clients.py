"""Quiver's topics through confluent_kafka (librdkafka), for IndependentClientsIT.

Usage, with quiver_avro and quiver_kafka (the modules of docs/python.md) on PYTHONPATH:

  kafka_clients.py produce CLIENT_PROPERTIES SCHEMAS_DIR TOPIC PLAN_JSON
      Sends every entry of PLAN_JSON (a JSON list) to TOPIC, in order, keyed by its "key":
      {"kind": "observation", "key", "id", "ts" (epoch ms), "value"}: an Observation, sent with
      quiver_kafka.send (unless "report"); the same with "kind": "wrong-fingerprint" and "fingerprint" (16 hex
      digits): that Observation's bytes under another fingerprint; {"kind": "raw", "key", "hex"}:
      those bytes. An entry with "file" is written to that file instead (for another producer).
      Prints one JSON line for each entry with "report": true or "file", with its index and
      value bytes as hex, and its partition and offset (or file).

  kafka_clients.py consume CLIENT_PROPERTIES SCHEMAS_DIR TOPIC COUNT TIMEOUT_S
      Reads TOPIC with quiver_kafka's result consumer (from the beginning, read_committed; the
      topic may not exist yet) until COUNT messages came, then two seconds more to catch any
      extra, or until TIMEOUT_S. Prints first a JSON line saying whether the topic existed once
      subscribed, then one JSON line per message: partition, offset, key, value hex, record name
      and the decoded record.

CLIENT_PROPERTIES holds librdkafka settings as property=value lines (bootstrap.servers and,
on a secured broker, security.protocol and its settings), the file kcat reads with -F.
"""
import datetime
import json
import sys
import time

import quiver_kafka
from quiver_avro import HEADER_SIZE, MARKER, QuiverSchemas
from roundtrip import plain

GRACE_S = 2.0


def client_properties(path):
    """The property=value lines of `path` as a dict, as kcat -F reads them."""
    properties = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, value = line.split("=", 1)
                properties[name.strip()] = value.strip()
    return properties


def observation_of(entry):
    """The Observation of a plan entry, as quiver_avro encodes it."""
    return {
        "id": entry["id"],
        "key": entry["key"],
        "ts": datetime.datetime.fromtimestamp(entry["ts"] / 1000, datetime.timezone.utc),
        "value": entry["value"],
        "features": [],
        "label": None,
        "category": None,
    }


def reported_message_of(schemas, entry):
    """The value bytes of a plan entry that is reported on."""
    if entry["kind"] == "raw":
        return bytes.fromhex(entry["hex"])
    message = schemas.encode("Observation", observation_of(entry))
    if entry["kind"] == "wrong-fingerprint":
        return MARKER + bytes.fromhex(entry["fingerprint"]) + message[HEADER_SIZE:]
    return message


def produce(properties, schemas, topic, plan):
    producer = quiver_kafka.producer(properties)
    reports = []
    failures = []

    def delivered(index, value):
        def report(error, message):
            if error is not None:
                failures.append("entry %d: %s" % (index, error))
            else:
                reports.append({"index": index, "value": value.hex(),
                                "partition": message.partition(), "offset": message.offset()})
        return report

    for index, entry in enumerate(plan):
        if "file" in entry:
            value = schemas.encode("Observation", observation_of(entry))
            with open(entry["file"], "wb") as f:
                f.write(value)
            reports.append({"index": index, "value": value.hex(), "file": entry["file"]})
        elif entry["kind"] == "observation" and not entry.get("report"):
            quiver_kafka.send(producer, schemas, topic, "Observation", observation_of(entry))
        else:
            value = reported_message_of(schemas, entry)
            producer.produce(topic, key=entry["key"].encode("utf-8"), value=value,
                             on_delivery=delivered(index, value))
    left = producer.flush(30)
    if left or failures:
        raise SystemExit("not delivered: %d messages; %s" % (left, failures))
    for report in sorted(reports, key=lambda r: r["index"]):
        print(json.dumps(report))


def consume(properties, schemas, topic, count, timeout_s):
    group = "python-reader-%d" % time.time_ns()
    consumer = quiver_kafka.result_consumer(properties, group, [topic])
    # A consumer's metadata request does not create the topic, even where the broker would.
    found = consumer.list_topics(topic, timeout=10).topics.get(topic)
    print(json.dumps({"topicExists": found is not None and found.error is None}), flush=True)
    read = 0
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            result = quiver_kafka.poll_result(consumer, schemas, 0.2)
            if result is None:
                continue
            message, name, record = result
            print(json.dumps({
                "partition": message.partition(), "offset": message.offset(),
                "key": message.key().decode("utf-8"), "value": message.value().hex(),
                "name": name, "record": plain(record),
            }), flush=True)
            read += 1
            if read == count:
                deadline = min(deadline, time.monotonic() + GRACE_S)
    finally:
        consumer.close()


def main(command, properties_file, schemas_dir, topic, *rest):
    properties = client_properties(properties_file)
    schemas = QuiverSchemas(schemas_dir)
    if command == "produce":
        with open(rest[0], encoding="utf-8") as f:
            produce(properties, schemas, topic, json.load(f))
    elif command == "consume":
        consume(properties, schemas, topic, int(rest[0]), float(rest[1]))
    else:
        raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    main(*sys.argv[1:])
