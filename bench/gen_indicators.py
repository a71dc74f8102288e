#!/usr/bin/env python3
"""Writes a STIX 2.1 bundle of N generated indicators (IPv4, domain, URL, SHA-256 patterns,
TLP:GREEN, one producer identity), shaped like real feed content, for CLI benchmarks:

    python3 bench/gen_indicators.py 1000000 > /tmp/indicators-1m.json
    python3 bench/gen_indicators.py 100000 10 > /tmp/indicators.json   # 10 % with a granular
        # TLP:AMBER+STRICT marking on their description (sharing-policy benchmark)
"""
import json
import random
import sys
import uuid


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    granular_percent = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    rng = random.Random(42)
    producer = f"identity--{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    out = sys.stdout
    out.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.UUID(int=rng.getrandbits(128), version=4))
    for i in range(n):
        kind = i % 4
        if kind == 0:
            pattern = "[ipv4-addr:value = '%d.%d.%d.%d']" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
        elif kind == 1:
            pattern = "[domain-name:value = 'c2-%010x.example.net']" % rng.getrandbits(40)
        elif kind == 2:
            pattern = "[url:value = 'http://%08x.example.org/gate.php']" % rng.getrandbits(32)
        else:
            pattern = "[file:hashes.'SHA-256' = '%064x']" % rng.getrandbits(256)
        ts = "2026-03-%02dT10:%02d:%02d.000Z" % (1 + i % 28, i % 60, i % 60)
        obj = {
            "type": "indicator", "spec_version": "2.1",
            "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "created_by_ref": producer, "created": ts, "modified": ts,
            "name": f"Malicious infrastructure {i}",
            "description": "Observed in phishing campaign targeting the finance sector.",
            "indicator_types": ["malicious-activity"], "pattern": pattern, "pattern_type": "stix",
            "valid_from": "2026-03-01T00:00:00Z",
            "kill_chain_phases": [{"kill_chain_name": "lockheed-martin-cyber-kill-chain",
                                   "phase_name": "command-and-control"}],
            "labels": ["phishing"], "confidence": 80,
            "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
        }
        if granular_percent and i % 100 < granular_percent:
            obj["granular_markings"] = [{
                "marking_ref": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                "selectors": ["description"]}]
        if i:
            out.write(",")
        out.write(json.dumps(obj, separators=(",", ":")))
    out.write("]}\n")


if __name__ == "__main__":
    main()
