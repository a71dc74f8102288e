#!/usr/bin/env python3
"""Data for the matching benchmark (bench/match_bench.sh), from a real log:

    gen_match_data.py repeat LOG MB > big.log
        the log's lines repeated until MB megabytes (Zeek TSV: header once, data lines
        repeated, footer dropped)
    gen_match_data.py indicators LOG N OUT_PREFIX
        N STIX indicators as JSON lines (OUT_PREFIX.jsonl): PLANTED values taken from the log
        (IP addresses and DNS names that occur in it, among the rarer half, so that
        hits are a small share of the lines as with real intelligence) plus generated ones across IPv4, IPv6,
        domains, URLs and SHA-256 / MD5 hashes; OUT_PREFIX.values (every value, one per line,
        for grep -F -f) and OUT_PREFIX.planted (the values taken from the log)
"""
import collections
import gzip
import json
import random
import sys
import uuid

PLANTED_IPS = 200
PLANTED_NAMES = 100


def open_log(path):
    return gzip.open(path, "rt", errors="replace") if path.endswith(".gz") else open(path, errors="replace")


def repeat(path, megabytes):
    with open_log(path) as f:
        lines = f.read().splitlines()
    header = [l for l in lines if l.lstrip("\t").startswith("#") and not l.startswith("#close")]
    data = [l for l in lines if not l.lstrip("\t").startswith("#")]
    out = sys.stdout
    target = megabytes * 1000 * 1000
    written = 0
    for l in header:
        out.write(l.lstrip("\t") + "\n")
    block = "\n".join(data) + "\n"
    while written < target:
        out.write(block)
        written += len(block)


def log_values(path):
    """IP addresses and DNS names occurring in an EVE or Zeek TSV log, each with the number
    of lines it occurs in."""
    ips, names = collections.Counter(), collections.Counter()
    fields = None
    with open_log(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.lstrip("\t").startswith("#fields"):
                fields = line.lstrip("\t").split("\t")[1:]
                continue
            if line.startswith("#") or not line:
                continue
            if line.startswith("{"):
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                for k in ("src_ip", "dest_ip"):
                    if k in e:
                        ips[e[k]] += 1
                for sub, k in (("dns", "rrname"), ("http", "hostname"), ("tls", "sni")):
                    v = e.get(sub, {}).get(k)
                    if isinstance(v, str) and "." in v and not v.replace(".", "").isdigit():
                        names[v.lower().rstrip(".")] += 1
            elif fields:
                row = dict(zip(fields, line.split("\t")))
                for k in ("id.orig_h", "id.resp_h"):
                    if row.get(k, "-") != "-":
                        ips[row[k]] += 1
                q = row.get("query", "-")
                if q not in ("-", "(empty)") and "." in q:
                    names[q.lower().rstrip(".")] += 1
    return ips, names


def rare(counter, n, rng):
    """n values among the least frequent half: indicators hit a few lines, not every one."""
    values = sorted(counter, key=lambda v: (counter[v], v))
    values = values[:max(n, len(values) // 2)]
    rng.shuffle(values)
    return values[:n]


def indicators(path, n, prefix):
    rng = random.Random(7)
    ips, names = log_values(path)
    planted = [("ipv4-addr" if ":" not in ip else "ipv6-addr", ip) for ip in rare(ips, PLANTED_IPS, rng)]
    planted += [("domain-name", name) for name in rare(names, PLANTED_NAMES, rng)]
    producer = "identity--%s" % uuid.UUID(int=rng.getrandbits(128), version=4)
    with open(prefix + ".jsonl", "w") as out, open(prefix + ".values", "w") as values, \
            open(prefix + ".planted", "w") as planted_out:
        for kind, value in planted:
            planted_out.write(value + "\n")
        for i in range(n):
            if i < len(planted):
                kind, value = planted[i]
                path_ = kind + ":value"
            else:
                r = i % 20
                if r < 8:
                    path_, value = "ipv4-addr:value", "%d.%d.%d.%d" % (
                        rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
                elif r < 9:
                    path_, value = "ipv6-addr:value", "2001:db8:%x:%x::%x" % (
                        rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(16))
                elif r < 14:
                    path_, value = "domain-name:value", "c2-%010x.example.net" % rng.getrandbits(40)
                elif r < 17:
                    path_, value = "url:value", "http://%08x.example.org/gate.php?id=%d" % (rng.getrandbits(32), i)
                elif r < 19:
                    path_, value = "file:hashes.'SHA-256'", "%064x" % rng.getrandbits(256)
                else:
                    path_, value = "file:hashes.MD5", "%032x" % rng.getrandbits(128)
            values.write(value + "\n")
            out.write(json.dumps({
                "type": "indicator", "spec_version": "2.1",
                "id": "indicator--%s" % uuid.UUID(int=rng.getrandbits(128), version=4),
                "created_by_ref": producer,
                "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                "name": "bench %d" % i, "pattern": "[%s = '%s']" % (path_, value),
                "pattern_type": "stix", "valid_from": "2000-01-01T00:00:00Z",
            }, separators=(",", ":")) + "\n")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "repeat":
        repeat(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 5 and sys.argv[1] == "indicators":
        indicators(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
