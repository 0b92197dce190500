"""Quiver's topics through confluent_kafka (librdkafka), for IndependentClientsIT.

Usage, with quiver_avro (the codec of docs/python.md) on PYTHONPATH:

  kafka_clients.py produce CLIENT_PROPERTIES SCHEMAS_DIR TOPIC PLAN_JSON
      Sends every entry of PLAN_JSON (a JSON list) to TOPIC, in order, keyed by its "key":
      {"kind": "observation", "key", "id", "ts" (epoch ms), "value"}: an Observation;
      the same with "kind": "wrong-fingerprint" and "fingerprint" (16 hex digits): that
      Observation's bytes under another fingerprint; {"kind": "raw", "key", "hex"}: those bytes.
      An entry with "file" is written to that file instead of sent (for another producer).
      Prints one JSON line per entry: its index, value bytes as hex, and partition and offset
      (or file).

  kafka_clients.py consume CLIENT_PROPERTIES SCHEMAS_DIR TOPIC COUNT TIMEOUT_S
      Reads TOPIC from the beginning with isolation.level=read_committed until COUNT messages
      came, then two seconds more to catch any extra, or until TIMEOUT_S. Prints one JSON line per
      message: partition, offset, key, value hex, record name and the decoded record.

CLIENT_PROPERTIES holds librdkafka settings as property=value lines (bootstrap.servers and,
on a secured broker, security.protocol and its settings), the file kcat reads with -F.
"""
import datetime
import json
import sys
import time

from confluent_kafka import Consumer, Producer

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


def message_of(schemas, entry):
    """The value bytes of a plan entry."""
    if entry["kind"] == "raw":
        return bytes.fromhex(entry["hex"])
    observation = {
        "id": entry["id"],
        "key": entry["key"],
        "ts": datetime.datetime.fromtimestamp(entry["ts"] / 1000, datetime.timezone.utc),
        "value": entry["value"],
        "features": [],
        "label": None,
        "category": None,
    }
    message = schemas.encode("Observation", observation)
    if entry["kind"] == "wrong-fingerprint":
        return MARKER + bytes.fromhex(entry["fingerprint"]) + message[HEADER_SIZE:]
    return message


def produce(properties, schemas, topic, plan):
    producer = Producer(dict(properties, **{"enable.idempotence": True, "acks": "all"}))
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
        value = message_of(schemas, entry)
        if "file" in entry:
            with open(entry["file"], "wb") as f:
                f.write(value)
            reports.append({"index": index, "value": value.hex(), "file": entry["file"]})
        else:
            producer.produce(topic, key=entry["key"].encode("utf-8"), value=value,
                             on_delivery=delivered(index, value))
    left = producer.flush(30)
    if left or failures:
        raise SystemExit("not delivered: %d messages; %s" % (left, failures))
    for report in sorted(reports, key=lambda r: r["index"]):
        print(json.dumps(report))


def consume(properties, schemas, topic, count, timeout_s):
    consumer = Consumer(dict(properties, **{
        "group.id": "python-reader-%d" % time.time_ns(),
        "isolation.level": "read_committed",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    }))
    consumer.subscribe([topic])
    read = 0
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            message = consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                raise SystemExit(message.error())
            name, record = schemas.decode(message.value())
            print(json.dumps({
                "partition": message.partition(), "offset": message.offset(),
                "key": message.key().decode("utf-8"), "value": message.value().hex(),
                "name": name, "record": plain(record),
            }))
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
