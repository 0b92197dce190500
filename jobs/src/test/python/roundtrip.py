"""Quiver's wire format through python3-avro, for PythonAvroInteropTest.

Usage: roundtrip.py SCHEMAS_DIR POSTERIOR_IN OBSERVATION_OUT, with quiver_avro (the codec of
docs/python.md) on PYTHONPATH. Decodes POSTERIOR_IN, a PosteriorUpdate Quiver encoded, and prints
it as one JSON line (timestamps as epoch milliseconds), with python3-avro's version and the
fingerprint python3-avro's own canonical form of Observation would give. Writes OBSERVATION_OUT,
an Observation encoded with the exported schema and fingerprint; the test knows its fields.
"""
import datetime
import json
import sys

import avro
import avro.schema

from quiver_avro import QuiverSchemas

CRC64_EMPTY = 0xC15D213AA4D7A795


def crc64_avro(data):
    """CRC-64-AVRO as the Avro specification defines it (section Schema Fingerprints)."""
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (CRC64_EMPTY & -(fp & 1))
        table.append(fp)
    fp = CRC64_EMPTY
    for byte in data:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp


def plain(value):
    """JSON-ready: datetimes as epoch milliseconds, nested dicts and lists as they are."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main(schemas_dir, posterior_in, observation_out):
    schemas = QuiverSchemas(schemas_dir)

    with open(posterior_in, "rb") as f:
        name, posterior = schemas.decode(f.read())

    observation = {
        "id": "py-1",
        "key": "ad-\u00e9",
        "ts": datetime.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=datetime.timezone.utc),
        "value": 1.0,
        "features": [0.5, -2.25, 1e300],
        "label": None,
        "category": "caf\u00e9",
    }
    with open(observation_out, "wb") as f:
        f.write(schemas.encode("Observation", observation))

    observation_schema = schemas.current["Observation"][1]
    own = crc64_avro(observation_schema.canonical_form.encode("utf-8"))
    print(json.dumps({
        "name": name,
        "record": plain(posterior),
        "avroVersion": avro.__version__,
        "ownObservationFingerprint": format(own, "016x"),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
